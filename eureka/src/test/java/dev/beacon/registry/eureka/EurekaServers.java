package dev.beacon.registry.eureka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit 5 extension that starts real Eureka servers ({@link EurekaTestServer}, each in a child JVM) on demand and
 * stops every one of them after the test class, whether the tests passed or not:
 *
 * <pre>
 * &#64;RegisterExtension
 * static EurekaServers eureka = new EurekaServers();
 *
 * &#64;BeforeAll
 * static void startServer() {
 *     server = eureka.start(Map.of());
 * }
 * </pre>
 *
 * <p>A factory returns once the server answers {@code GET /eureka/apps}. A Eureka server takes seconds to start:
 * share one between tests by starting it in {@code @BeforeAll}. A server closed early (try-with-resources) frees its
 * JVM before the class ends; closing twice is harmless. When the server's jar is missing the factory skips the
 * calling test, or fails it with {@code -Dbeacon.eureka.required=true} ({@link EurekaTestServer#REQUIRED_PROPERTY}).
 *
 * <p>Register it in a static field: the servers then live until the class ends (after {@code @AfterAll} methods).
 * In an instance field they are stopped after each test. Thread-safe: peers may be started together.
 */
public final class EurekaServers implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {

    /** How long a server may take to answer after its JVM started (two cores, other JVMs starting too). */
    private static final Duration STARTUP = Duration.ofSeconds(150);

    private final List<EurekaTestServer> started = new CopyOnWriteArrayList<>();
    private String owner; // guarded by this

    /** A server on a free port with the fast-test settings plus {@code settings} (Spring properties). */
    public EurekaTestServer start(Map<String, String> settings) {
        return start(EurekaTestServer.freePort(), settings);
    }

    /**
     * As {@link #start(Map)}, on {@code port} (from {@link EurekaTestServer#freePort()}): for peers, which must know
     * each other's URL before they start.
     */
    public EurekaTestServer start(int port, Map<String, String> settings) {
        return start(port, settings, null);
    }

    /**
     * A server that requires HTTP basic authentication (Spring Security) as {@code user}/{@code password} for every
     * request; the server object's own raw requests ({@link EurekaTestServer#get}, {@link EurekaTestServer#clear})
     * send them.
     */
    public EurekaTestServer startRequiringBasicAuth(String user, String password) {
        String credentials = user + ":" + password;
        return start(EurekaTestServer.freePort(), Map.of("beacon.require-basic-auth", "true",
                "spring.security.user.name", user, "spring.security.user.password", password),
                "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
    }

    /** Starts the server's JVM, records it (so that a failed start is still stopped) and waits until it answers. */
    private EurekaTestServer start(int port, Map<String, String> settings, String authorization) {
        EurekaTestServer server = EurekaTestServer.launch(port, settings, authorization);
        started.add(server);
        server.awaitUp(STARTUP);
        return server;
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
     * Stops every server this extension started (SIGTERM, then SIGKILL after 10 s). Called after the class; tests
     * rarely need it.
     */
    public void stopAll() {
        IllegalStateException failure = null;
        for (EurekaTestServer server : started) {
            try {
                server.close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = new IllegalStateException("could not stop every Eureka server: " + e.getMessage(), e);
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
