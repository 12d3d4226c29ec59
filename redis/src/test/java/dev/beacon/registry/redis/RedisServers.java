package dev.beacon.registry.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.opentest4j.TestAbortedException;

/**
 * A JUnit 5 extension that starts real {@code redis-server} processes on demand (no Docker, no mocks) and stops every
 * one of them after the test class, whether the tests passed or not:
 *
 * <pre>
 * &#64;RegisterExtension
 * static RedisServers redis = new RedisServers();
 *
 * &#64;Test
 * void register_thenInstances_returnsIt() {
 *     RedisServer server = redis.standalone();
 *     ... server.uri() ...
 * }
 * </pre>
 *
 * <p>Each server listens on a free port of {@code 127.0.0.1}, lives in its own directory under one temporary
 * directory, runs without persistence, and is ready (answers PING) when the factory returns. A JVM shutdown hook
 * kills whatever is left if the JVM exits before the class ends.
 *
 * <p>When {@code redis-server}/{@code redis-cli} 7.0+ are not on the PATH, a factory skips the calling test with a
 * message saying how to install them; with {@code -Dbeacon.redis.required=true} (as CI runs) it fails it instead.
 *
 * <p>Every factory call starts new processes: share a server between tests by starting it in {@code @BeforeAll}.
 * A server or setup closed early ({@code close()}, try-with-resources) frees its processes before the class ends.
 *
 * <p>Register it in a static field: the servers then live until the class ends (after {@code @AfterAll} methods).
 * In an instance field they are stopped after each test. Thread-safe.
 */
public final class RedisServers implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {

    /** Set to {@code true} to keep the servers' directories (logs, configuration) after the class. */
    public static final String KEEP_FILES_PROPERTY = "beacon.redis.keepFiles";

    private static final String ADMIN_USER = "beacon-test-admin";
    private static final int PORT_ATTEMPTS = 5;

    private final List<RedisServer> started = new CopyOnWriteArrayList<>();
    private final Set<Integer> usedPorts = ConcurrentHashMap.newKeySet();
    private RedisBinaries binaries; // guarded by this, like the rest
    private Path root;
    private TestCertificates trusted;
    private TestCertificates untrusted;
    private Thread shutdownHook;
    private String owner;
    private boolean skipReported;

    /** A plain server anyone may use without a password. */
    public RedisServer standalone() {
        return launch("standalone", (port, dir) -> plainServer("standalone", port, dir, List.of("port " + port)));
    }

    /**
     * A server whose {@code default} user is disabled, with {@code user} given exactly {@code aclRules} (such as
     * {@code "~beacon:* &beacon:* +eval +evalsha +ping"}) on top of Redis' {@code reset}, and {@code password}.
     * {@link RedisServer#command} runs as an administrator the support adds for itself; use
     * {@link RedisServer#commandAs} to act as {@code user}.
     *
     * @param user a user name without whitespace, not {@code default}
     * @param password any non-empty text (stored as its SHA-256, so any character is fine)
     * @param aclRules whitespace-separated ACL rules; {@code ""} gives a user that may do nothing
     */
    public RedisServer withAcl(String user, String password, String aclRules) {
        if (user == null || user.isEmpty() || user.chars().anyMatch(Character::isWhitespace)
                || user.equals("default") || user.equals(ADMIN_USER)) {
            throw new IllegalArgumentException("user must be a name without whitespace, not 'default' or '"
                    + ADMIN_USER + "', but was '" + user + "'");
        }
        if (password == null || password.isEmpty()) {
            throw new IllegalArgumentException("password must not be empty, but was '" + password + "'");
        }
        if (aclRules == null || aclRules.contains("\n") || aclRules.contains("\r")) {
            throw new IllegalArgumentException("aclRules must be one line of rules, but was '" + aclRules + "'");
        }
        String adminPassword = UUID.randomUUID().toString();
        RedisServer.Credentials admin = new RedisServer.Credentials(ADMIN_USER, adminPassword);
        return launch("acl", (port, dir) -> {
            List<String> config = List.of("port " + port,
                    "user default off",
                    "user " + ADMIN_USER + " on #" + sha256(adminPassword) + " ~* &* +@all",
                    ("user " + user + " on #" + sha256(password) + " " + aclRules).strip());
            return new RedisServer(spec("acl", port, dir, config, false, Optional.of(admin), Optional.empty()));
        });
    }

    /** A TLS-only server whose certificate the test CA signed; see {@link TlsRedisServer}. */
    public TlsRedisServer tls() {
        binaries();
        TestCertificates ca = trustedCa();
        return launch("tls", (port, dir) -> tlsServer("tls", port, dir, ca, ca));
    }

    /**
     * A TLS-only server whose certificate another CA signed, for negative tests: a client trusting
     * {@link TlsRedisServer#trustStore()} must refuse it. {@link RedisServer#command} still works (it trusts the
     * other CA).
     */
    public TlsRedisServer tlsWithUntrustedCertificate() {
        binaries();
        TestCertificates ca = trustedCa();
        TestCertificates other = untrustedCa();
        return launch("tls-untrusted", (port, dir) -> tlsServer("tls-untrusted", port, dir, other, ca));
    }

    /**
     * A master, one replica in sync with it, and three sentinels watching them as {@code masterName} (quorum 2,
     * {@code down-after-milliseconds 1000}, {@code failover-timeout 5000}); returns once every sentinel knows the
     * replica and the other two sentinels.
     */
    public SentinelSetup sentinel(String masterName) {
        if (masterName == null || !masterName.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("masterName must be letters, digits, '.', '_' or '-', but was '"
                    + masterName + "'");
        }
        return SentinelSetup.start(this, masterName);
    }

    /**
     * Three masters sharing the 16384 slots ({@code redis-cli --cluster create ... --cluster-replicas 0}); returns
     * once every node reports {@code cluster_state:ok}.
     */
    public ClusterSetup cluster() {
        return ClusterSetup.start(this);
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
     * Kills every server this extension started (SIGKILL: they hold nothing worth a clean shutdown) and deletes
     * their directories, unless {@value #KEEP_FILES_PROPERTY} is {@code true}. Called after the class; tests
     * rarely need it.
     */
    public void stopAll() {
        Path dir;
        synchronized (this) {
            dir = root;
            root = null;
            trusted = null;
            untrusted = null;
            if (shutdownHook != null) {
                try {
                    Runtime.getRuntime().removeShutdownHook(shutdownHook);
                } catch (IllegalStateException alreadyShuttingDown) {
                    // the hook is running or will run; killing twice is harmless
                }
                shutdownHook = null;
            }
        }
        RuntimeException failure = null;
        for (RedisServer server : started) {
            try {
                server.kill();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = new IllegalStateException("could not kill every Redis server: " + e.getMessage(), e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        started.clear();
        usedPorts.clear();
        if (dir != null && !Boolean.getBoolean(KEEP_FILES_PROPERTY)) {
            try {
                RedisServer.deleteRecursively(dir);
            } catch (IOException e) {
                UncheckedIOException notDeleted = new UncheckedIOException("could not delete " + dir, e);
                if (failure == null) {
                    failure = notDeleted;
                } else {
                    failure.addSuppressed(notDeleted);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Creates a server on a free port, retrying with another port if someone else binds it first. */
    <S extends RedisServer> S launch(String name, ServerFactory<S> factory) {
        for (int attempt = 1; ; attempt++) {
            int port = freePort();
            Path dir = newDirectory(name + "-" + port);
            S server = factory.create(port, dir);
            started.add(server);
            try {
                server.start();
                return server;
            } catch (RedisServer.PortInUseException e) {
                if (attempt == PORT_ATTEMPTS) {
                    throw new IllegalStateException("gave up after " + attempt + " ports were taken while "
                            + name + " started", e);
                }
            }
        }
    }

    /** Creates one server. */
    interface ServerFactory<S extends RedisServer> {
        S create(int port, Path dir);
    }

    synchronized RedisBinaries binaries() {
        if (binaries == null) {
            try {
                binaries = RedisBinaries.locate();
            } catch (TestAbortedException e) {
                if (!skipReported) {
                    // Maven's console shows only "Skipped: n", never why; say it once per test class
                    System.err.println("[RedisServers] " + e.getMessage());
                    skipReported = true;
                }
                throw e;
            }
        }
        return binaries;
    }

    /** A server without TLS or authentication: the lines common to all, then {@code lines} (which set the port). */
    RedisServer plainServer(String name, int port, Path dir, List<String> lines) {
        return new RedisServer(spec(name, port, dir, lines, false, Optional.empty(), Optional.empty()));
    }

    RedisServer.Spec spec(String name, int port, Path dir, List<String> lines, boolean sentinel,
                          Optional<RedisServer.Credentials> admin, Optional<SSLContext> tls) {
        List<String> config = new ArrayList<>(List.of(
                "bind " + RedisServer.HOST,
                "daemonize no",
                "save \"\"",
                "appendonly no",
                "dir " + quote(dir),
                "logfile " + quote(dir.resolve("redis.log")),
                "shutdown-on-sigterm nosave now",
                // a replica's first sync would otherwise wait 5 s for more replicas to share it
                "repl-diskless-sync-delay 0"));
        config.addAll(lines);
        return new RedisServer.Spec(name, binaries().redisServer(), dir, port, config, sentinel, admin, tls);
    }

    /** A port nobody listens on now, and that this extension has not handed out before. */
    int freePort() {
        while (true) {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(RedisServer.HOST))) {
                if (usedPorts.add(socket.getLocalPort())) {
                    return socket.getLocalPort();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("could not find a free port on " + RedisServer.HOST, e);
            }
        }
    }

    /** A new directory for one server (or tool run), creating the root and the shutdown hook on first use. */
    synchronized Path newDirectory(String name) {
        binaries();
        try {
            if (root == null) {
                root = Files.createTempDirectory("beacon-redis-");
                shutdownHook = new Thread(cleanUpAtExit(started, root), "beacon-redis-servers-cleanup");
                Runtime.getRuntime().addShutdownHook(shutdownHook);
            }
            return Files.createDirectory(root.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException("could not create a directory for " + name, e);
        }
    }

    /**
     * The shutdown hook's work: kill and delete without taking any lock, since the thread that called
     * {@code System.exit} may hold one.
     */
    private static Runnable cleanUpAtExit(List<RedisServer> servers, Path dir) {
        return () -> {
            try {
                servers.forEach(RedisServer::killNow);
                Thread.sleep(200); // let them exit before their files go
                if (!Boolean.getBoolean(KEEP_FILES_PROPERTY)) {
                    RedisServer.deleteRecursively(dir);
                }
            } catch (IOException | RuntimeException | InterruptedException e) {
                // the JVM is exiting; nobody is left to tell
            }
        };
    }

    private TlsRedisServer tlsServer(String name, int port, Path dir, TestCertificates signer,
                                     TestCertificates clientTrust) {
        TestCertificates.ServerCertificate certificate = signer.issueServerCertificate(dir);
        List<String> config = List.of("port 0",
                "tls-port " + port,
                "tls-cert-file " + quote(certificate.certificate()),
                "tls-key-file " + quote(certificate.key()),
                "tls-ca-cert-file " + quote(signer.caCertificate()),
                "tls-auth-clients no");
        return new TlsRedisServer(spec(name, port, dir, config, false, Optional.empty(),
                Optional.of(signer.sslContext())), clientTrust);
    }

    private synchronized TestCertificates trustedCa() {
        if (trusted == null) {
            trusted = TestCertificates.createAuthority(RedisBinaries.openssl(), newDirectory("ca"), "Beacon test CA");
        }
        return trusted;
    }

    private synchronized TestCertificates untrustedCa() {
        if (untrusted == null) {
            untrusted = TestCertificates.createAuthority(RedisBinaries.openssl(), newDirectory("untrusted-ca"),
                    "Beacon untrusted test CA");
        }
        return untrusted;
    }

    /** A path as a double-quoted Redis configuration value. */
    static String quote(Path path) {
        return "\"" + path.toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }
}
