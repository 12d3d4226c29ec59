package dev.beacon.registry.zookeeper;

import dev.beacon.registry.Registries;
import dev.beacon.registry.ServiceRegistry;
import dev.beacon.registry.ServiceRegistryContractTest;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The registry contract on a real ZooKeeper server (Curator's {@code TestingServer}, in this JVM); each test has its
 * own base path. Lease time passes by sleeping. The one difference ZooKeeper forces (a new service is not pushed:
 * {@link #reportsNewServices()}) is written down in docs/registries.md;
 * the session (expiry, re-registration, an ensemble losing a server) is tested in {@link ZooKeeperSessionIT}.
 */
class ZooKeeperContractIT extends ServiceRegistryContractTest {

    @RegisterExtension
    static ZooKeeperServers zookeeper = new ZooKeeperServers();

    private static final AtomicInteger TESTS = new AtomicInteger();
    private static TestingServer server;
    private String uri;

    @BeforeAll
    static void startServer() {
        server = zookeeper.standalone();
    }

    @Override
    protected ServiceRegistry newRegistry() {
        uri = "zookeeper://" + server.getConnectString() + "/contract-" + TESTS.incrementAndGet();
        return Registries.open(uri);
    }

    @Override
    protected ServiceRegistry openSecondHandle() {
        return Registries.open(uri);
    }

    /** ZooKeeper reports changes under a watched path; a new service is found by listing them. */
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
