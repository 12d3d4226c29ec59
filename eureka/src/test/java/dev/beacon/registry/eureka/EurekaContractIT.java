package dev.beacon.registry.eureka;

import dev.beacon.registry.Registries;
import dev.beacon.registry.ServiceRegistry;
import dev.beacon.registry.ServiceRegistryContractTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Map;

/**
 * The registry contract on a real Eureka server (Spring Cloud Netflix's, in a child JVM, see
 * {@link EurekaTestServer}); each test starts from an emptied server. Lease time passes by sleeping. The contract's
 * differences Eureka forces are in {@link EurekaDeviationsIT}.
 */
class EurekaContractIT extends ServiceRegistryContractTest {

    @RegisterExtension
    static EurekaServers eureka = new EurekaServers();

    private static EurekaTestServer server;

    @BeforeAll
    static void startServer() {
        server = eureka.start(Map.of());
    }

    @Override
    protected ServiceRegistry newRegistry() {
        server.clear();
        return Registries.open(server.uri("?poll=200ms"));
    }

    @Override
    protected ServiceRegistry openSecondHandle() {
        return Registries.open(server.uri("?poll=200ms"));
    }

    /** Eureka has no push: a watch polls the services it watches; a new service is found by listing them. */
    @Override
    protected boolean reportsNewServices() {
        return false;
    }

    @Override
    protected void advance(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
