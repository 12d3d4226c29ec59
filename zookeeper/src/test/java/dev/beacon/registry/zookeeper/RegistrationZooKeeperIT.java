package dev.beacon.registry.zookeeper;

import dev.beacon.registry.Registries;
import dev.beacon.registry.RegistrationContractTest;
import dev.beacon.registry.ServiceRegistry;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The registration contract (heartbeat, re-registration after a lost lease, backoff through an outage, deregistration
 * on close) on a real ZooKeeper server, Curator's {@code TestingServer} in this JVM. The outage is the server stopped
 * and started again on the same port and data directory. The handle's session is the registrations' ttl (1 s), so it
 * expires during the longer outages and the handle recreates its nodes in a new session, while the registration
 * retries on its own: the contract says the latest registration comes back either way (it once did not, when the
 * recreation wrote an older payload after the registration's retry: {@link ZooKeeperSessionIT} tests that race).
 */
class RegistrationZooKeeperIT extends RegistrationContractTest {

    @RegisterExtension
    static ZooKeeperServers zookeeper = new ZooKeeperServers();

    private static final AtomicInteger TESTS = new AtomicInteger();
    private static TestingServer server;
    private static boolean stopped;
    private String uri;

    @BeforeAll
    static void startServer() {
        server = zookeeper.standalone();
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

    /**
     * A call made while the server is away fails after the connect timeout (500 ms). And when the server is back,
     * ZooKeeper's client connects again only at its next attempt: it waits 1 s before going through its list of
     * servers again, plus a random 0 to 1 s before each connection (its {@code StaticHostProvider} and
     * {@code ClientCnxn}), up to 2 s in which no call can succeed. Both are allowed for.
     */
    @Override
    protected Duration failingCall() {
        return Duration.ofMillis(500 + 2_000);
    }
}
