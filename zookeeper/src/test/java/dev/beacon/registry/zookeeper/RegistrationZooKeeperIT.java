package dev.beacon.registry.zookeeper;

import dev.beacon.registry.Registries;
import dev.beacon.registry.RegistrationContractTest;
import dev.beacon.registry.ServiceRegistry;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The registration contract (heartbeat, re-registration after a lost lease, backoff through an outage, deregistration
 * on close) on a real ZooKeeper server, Curator's {@code TestingServer} in this JVM. The outage is the server stopped
 * and started again on the same port and data directory: the session of the registration's handle may expire
 * meanwhile, and the contract says the registration comes back either way.
 */
class RegistrationZooKeeperIT extends RegistrationContractTest {

    private static final AtomicInteger TESTS = new AtomicInteger();
    private static TestingServer server;
    private static boolean stopped;
    private String uri;

    @BeforeAll
    static void startServer() throws Exception {
        server = new TestingServer(true);
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    /** A test that failed during its outage leaves the server running for the next one. */
    @AfterEach
    void serverBack() throws Exception {
        if (stopped) {
            restoreRegistry();
        }
    }

    @Override
    protected ServiceRegistry newRegistry() {
        uri = "zookeeper://" + server.getConnectString() + "/registration-" + TESTS.incrementAndGet()
                + "?connect-timeout=500ms";
        return Registries.open(uri);
    }

    @Override
    protected ServiceRegistry openSecondHandle() {
        return Registries.open(uri);
    }

    @Override
    protected void breakRegistry() throws Exception {
        server.stop();
        stopped = true;
    }

    @Override
    protected void restoreRegistry() throws Exception {
        server.restart();
        stopped = false;
    }

    /** A call made while the server is away waits for the connection at most the connect timeout. */
    @Override
    protected Duration failingCall() {
        return Duration.ofMillis(500);
    }
}
