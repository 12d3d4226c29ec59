package dev.beacon.registry.zookeeper;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit 5 extension that starts real ZooKeeper servers in this JVM on demand (Curator's {@link TestingServer} and
 * {@link TestingCluster}: no Docker, no mocks) and stops every one of them after the test class, whether the tests
 * passed or not:
 *
 * <pre>
 * &#64;RegisterExtension
 * static ZooKeeperServers zookeeper = new ZooKeeperServers();
 *
 * &#64;Test
 * void register_thenInstances_returnsIt() {
 *     TestingServer server = zookeeper.standalone();
 *     ... server.getConnectString() ...
 * }
 * </pre>
 *
 * <p>Each server listens on a free port with a new data directory (deleted when it stops) and serves when the
 * factory returns (Curator's start waits for it). The servers are Curator's own objects, so a test can stop and
 * restart one on the same port and data directory ({@link TestingServer#stop()}, {@link TestingServer#restart()})
 * or kill a member of an ensemble ({@link TestingCluster#killServer}).
 *
 * <p>Every factory call starts new servers: share one between tests by starting it in {@code @BeforeAll}. A server
 * closed early (try-with-resources) frees its port and directory before the class ends; closing twice is harmless.
 *
 * <p>Register it in a static field: the servers then live until the class ends (after {@code @AfterAll} methods).
 * In an instance field they are stopped after each test. Thread-safe.
 */
public final class ZooKeeperServers implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {

    /** The tick of {@link #fastTicks()}, in ms: sessions of 200 ms to 4 s (Curator allows 1 to 20 ticks). */
    public static final int FAST_TICK_MILLIS = 200;

    private final List<Closeable> started = new CopyOnWriteArrayList<>();
    private String owner; // guarded by this

    /** A server with ZooKeeper's default tick (as Curator's {@code new TestingServer(true)}). */
    public TestingServer standalone() {
        return start("a ZooKeeper server", () -> new TestingServer(-1, false));
    }

    /**
     * A server with ticks of {@value #FAST_TICK_MILLIS} ms, so that sessions may be as short as 200 ms and expire
     * within a test.
     */
    public TestingServer fastTicks() {
        return start("a ZooKeeper server with ticks of " + FAST_TICK_MILLIS + " ms", () -> new TestingServer(
                new InstanceSpec(null, -1, -1, -1, true, -1, FAST_TICK_MILLIS, -1), false));
    }

    /**
     * An ensemble of {@code size} servers (Curator's {@link TestingCluster}), each started; a test may kill one
     * ({@link TestingCluster#killServer}) to see the others keep serving.
     *
     * @param size how many servers, at least 1
     */
    public TestingCluster ensemble(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("size must be at least 1, but was " + size);
        }
        String what = "an ensemble of " + size + " ZooKeeper servers";
        try {
            TestingCluster cluster = new TestingCluster(size);
            started.add(cluster);
            cluster.start();
            return cluster;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting " + what, e);
        } catch (Exception e) {
            throw new IllegalStateException("could not start " + what + ": " + e, e);
        }
    }

    /** Creates a server unstarted, records it (so that a failed start is still cleaned up) and starts it. */
    private TestingServer start(String what, Factory factory) {
        try {
            TestingServer server = factory.create();
            started.add(server);
            server.start();
            return server;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting " + what, e);
        } catch (Exception e) {
            throw new IllegalStateException("could not start " + what + ": " + e, e);
        }
    }

    /** Creates one unstarted server. */
    private interface Factory {
        TestingServer create() throws Exception;
    }

    @Override
    public synchronized void beforeAll(ExtensionContext context) {
        if (owner == null) {
            owner = context.getUniqueId();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        boolean perTest;
        synchronized (this) {
            perTest = owner == null;
        }
        if (perTest) {
            stopAll();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        boolean mine;
        synchronized (this) {
            // a @Nested class inherits the extension; only the class that registered it ends it
            mine = context.getUniqueId().equals(owner);
        }
        if (mine) {
            stopAll();
        }
    }

    /**
     * Stops every server this extension started and deletes their data directories. Called after the class; tests
     * rarely need it.
     */
    public void stopAll() {
        IllegalStateException failure = null;
        for (Closeable server : started) {
            try {
                server.close();
            } catch (IOException | RuntimeException e) {
                if (failure == null) {
                    failure = new IllegalStateException("could not stop every ZooKeeper server: " + e.getMessage(), e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        started.clear();
        if (failure != null) {
            throw failure;
        }
    }
}
