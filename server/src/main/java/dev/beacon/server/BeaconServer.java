package dev.beacon.server;

import dev.beacon.balance.LoadBalancer;
import dev.beacon.registry.ServiceRegistry;
import dev.beacon.server.internal.BearerToken;
import dev.beacon.server.internal.IndexPage;
import dev.beacon.server.internal.RunningServer;
import dev.beacon.server.internal.ServerSettings;
import dev.beacon.server.internal.TlsIdentity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The JSON HTTP API of a registry ({@code beacon serve}), on the JDK's HttpServer:
 *
 * <pre>{@code
 * try (BeaconServer server = BeaconServer.builder(Registries.open("redis://10.0.0.7:6379"))
 *         .port(8500).bind("127.0.0.1").token(System.getenv("BEACON_TOKEN"))
 *         .build().start()) {
 *     ...
 * }
 * }</pre>
 *
 * <p>Routes: {@code GET /services}, {@code GET /services/{name}} (filters {@code status}, {@code zone},
 * {@code meta.<key>}), {@code GET /services/{name}/instance} (one instance by {@code strategy}, {@code key}),
 * {@code GET /services/{name}/events} and {@code GET /events} (Server-Sent Events), {@code GET|PUT|DELETE
 * /services/{name}/instances/{id}}, {@code PUT /services/{name}/instances/{id}/heartbeat}, {@code GET /health},
 * {@code GET /metrics} (Prometheus), {@code GET /prometheus/targets} (Prometheus' HTTP service discovery), and an
 * optional page at {@code GET /}. An instance is shown in
 * {@link dev.beacon.json.InstanceJson}'s shape, the command line's; the user documentation shows each route with
 * curl.
 *
 * <p><b>Limits.</b> Every request is answered with JSON; bad input of any kind gets a 4xx with
 * {@code {"error": "…"}} naming what was wrong, an unreachable registry 503. Bodies are limited
 * ({@link Builder#maxBodyBytes}, 64 KiB), request heads too (8 KiB target, 100 headers / 64 KiB). A request must
 * arrive within the {@link Builder#readTimeout read timeout} (10 s) and each response write finish within the
 * {@link Builder#writeTimeout write timeout} (10 s), else its connection is closed. Requests run on a bounded pool of
 * daemon threads ({@link Builder#threads}); event streams add a thread each while open, up to
 * {@link Builder#maxEventStreams}.
 *
 * <p><b>Security.</b> Binds to {@code 127.0.0.1} unless told otherwise, and then answers only requests addressed to
 * a loopback name (DNS rebinding). With a {@link Builder#token token}, every write needs
 * {@code Authorization: Bearer <token>}; reads stay open unless {@link Builder#protectReads protected} too (all but
 * {@code /health}). With {@link Builder#tls(Path, Path) TLS} it speaks HTTPS only (TLS 1.2 and 1.3), on the JDK's
 * HttpsServer.
 *
 * <p>Not started by {@link Builder#build()}; {@link #start()} binds and starts the threads, {@link #close()} stops
 * them (idempotent). The JDK server's dispatcher thread is not a daemon, so a started server keeps the JVM running
 * until it is closed; Beacon's own threads are daemons. The registry is not closed with the server. Thread-safe.
 */
public final class BeaconServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BeaconServer.class);

    public static final int DEFAULT_PORT = 8500;
    public static final String DEFAULT_BIND = "127.0.0.1";

    private final ServiceRegistry registry;
    private final ServerSettings settings;
    private final List<Supplier<? extends AutoCloseable>> companionStarters;
    private final List<AutoCloseable> companions = new ArrayList<>();
    private volatile RunningServer running;
    private boolean started;
    private boolean closed;

    private BeaconServer(ServiceRegistry registry, ServerSettings settings,
                         List<Supplier<? extends AutoCloseable>> companionStarters) {
        this.registry = registry;
        this.settings = settings;
        this.companionStarters = List.copyOf(companionStarters);
    }

    /** Starts a builder over {@code registry}, which the server uses but does not close. */
    public static Builder builder(ServiceRegistry registry) {
        return new Builder(registry);
    }

    /**
     * Binds the port and starts serving, then starts the {@link Builder#companion companions}.
     *
     * @return this server
     * @throws UncheckedIOException  when the address cannot be bound (in use, not local), naming it
     * @throws IllegalStateException when called twice or after {@link #close()}
     */
    public synchronized BeaconServer start() {
        if (started || closed) {
            throw new IllegalStateException("a BeaconServer starts once; this one "
                    + (closed ? "is closed" : "was started already"));
        }
        started = true;
        running = RunningServer.start(registry, settings);
        if (!running.address().getAddress().isLoopbackAddress() && settings.token().isEmpty()) {
            log.warn("the HTTP API listens on {} without a token: anyone who reaches it can register and remove "
                    + "instances; set a token", uri());
        } else if (!running.address().getAddress().isLoopbackAddress() && settings.tls().isEmpty()) {
            log.warn("the HTTP API listens on {} without TLS: the token and the registry's contents cross the "
                    + "network in clear; set a certificate and key", uri());
        }
        try {
            for (Supplier<? extends AutoCloseable> starter : companionStarters) {
                companions.add(Objects.requireNonNull(starter.get(), "a companion starter returned null"));
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        return this;
    }

    /** The address the server listens on (with the real port when {@link Builder#port} was 0). */
    public synchronized InetSocketAddress address() {
        if (running == null) {
            throw new IllegalStateException("the server is not started");
        }
        return running.address();
    }

    /** {@code http://host:port/} of the server, {@code https://} with TLS. */
    public URI uri() {
        InetSocketAddress bound = address();
        String host = bound.getAddress().getHostAddress();
        return URI.create((settings.tls().isPresent() ? "https" : "http") + "://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + bound.getPort()
                + "/");
    }

    /** The certificate the server presents (the first of its chain) when it serves HTTPS; empty for plain HTTP. */
    public Optional<X509Certificate> certificate() {
        return settings.tls().map(TlsIdentity::certificate);
    }

    /** Requests in progress, event streams included (tests). */
    int activeRequests() {
        RunningServer parts = running;
        return parts == null ? 0 : parts.activeRequests();
    }

    /** Open event streams (tests). */
    int openEventStreams() {
        RunningServer parts = running;
        return parts == null ? 0 : parts.openEventStreams();
    }

    /**
     * Stops accepting connections, ends the event streams, gives requests in progress up to a second, then closes
     * every connection and thread, and then the companions, the last started first. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (running == null) {
            return;
        }
        running.close();
        for (int i = companions.size() - 1; i >= 0; i--) {
            try {
                companions.get(i).close();
            } catch (Exception e) {
                log.warn("closing companion {} of the HTTP API failed", companions.get(i), e);
            }
        }
    }

    @Override
    public String toString() {
        return "BeaconServer[" + (running == null ? settings.bind() + ":" + settings.port() : uri()) + ", registry="
                + registry + ", token " + (settings.token().isEmpty() ? "not set" : "set")
                + (settings.protectReads() ? " for reads and writes" : "")
                + settings.tls().map(tls -> ", TLS " + tls.describe()).orElse("") + "]";
    }

    /** Configures a {@link BeaconServer}; setters fail fast on bad values. Not thread-safe. */
    public static final class Builder {
        private final ServiceRegistry registry;
        private int port = DEFAULT_PORT;
        private String bind = DEFAULT_BIND;
        private Optional<BearerToken> token = Optional.empty();
        private int maxBodyBytes = ServerSettings.DEFAULT_MAX_BODY_BYTES;
        private int threads = ServerSettings.defaultThreads();
        private Duration readTimeout = ServerSettings.DEFAULT_READ_TIMEOUT;
        private Duration writeTimeout = ServerSettings.DEFAULT_WRITE_TIMEOUT;
        private int maxEventStreams = ServerSettings.DEFAULT_MAX_EVENT_STREAMS;
        private Duration keepAliveInterval = ServerSettings.DEFAULT_KEEP_ALIVE_INTERVAL;
        private Duration serviceScanInterval = ServerSettings.DEFAULT_SERVICE_SCAN_INTERVAL;
        private final Map<String, Supplier<LoadBalancer>> strategies =
                new LinkedHashMap<>(ServerSettings.builtInStrategies());
        private Optional<IndexPage> indexPage = Optional.empty();
        private final List<Supplier<? extends AutoCloseable>> companions = new ArrayList<>();
        private Optional<TlsIdentity> tls = Optional.empty();
        private boolean protectReads;

        private Builder(ServiceRegistry registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
        }

        /**
         * TCP port, 0..65535 (0: any free port, see {@link BeaconServer#address()}); default {@value #DEFAULT_PORT}.
         */
        public Builder port(int port) {
            this.port = ServerSettings.checkPort(port);
            return this;
        }

        /**
         * The local address to listen on, an IP literal or host name; default {@value #DEFAULT_BIND}. {@code 0.0.0.0}
         * listens on every interface: set a {@link #token} then.
         */
        public Builder bind(String address) {
            this.bind = ServerSettings.checkBind(address);
            return this;
        }

        /**
         * The bearer token every write (PUT, DELETE) must carry; {@code null} or empty: writes need none. Visible
         * ASCII without spaces, at most 4096 characters. Never logged or shown.
         */
        public Builder token(String token) {
            this.token = token == null || token.isEmpty() ? Optional.empty() : Optional.of(BearerToken.of(token));
            return this;
        }

        /**
         * Serves HTTPS (TLS 1.2 and 1.3 only, on the JDK's HttpsServer) with this certificate and key, which are read
         * and checked now; replaces an earlier {@link #tlsKeystore}. A plain-HTTP request then gets no answer.
         *
         * @param certificateChain PEM: the server's certificate first, then its intermediates
         * @param privateKey       PEM: that certificate's RSA or EC key, unencrypted PKCS#8
         *                         ({@code -----BEGIN PRIVATE KEY-----})
         * @throws IllegalArgumentException naming the file and what is wrong with it; for an encrypted or PKCS#1/SEC1
         *                                  key, with the {@code openssl} command that converts it
         */
        public Builder tls(Path certificateChain, Path privateKey) {
            this.tls = Optional.of(TlsIdentity.fromPem(Objects.requireNonNull(certificateChain, "certificateChain"),
                    Objects.requireNonNull(privateKey, "privateKey")));
            return this;
        }

        /**
         * Serves HTTPS as {@link #tls(Path, Path)} does, with the one private key entry (and its certificate chain)
         * of a PKCS#12 keystore, read and checked now; the key's password must be the keystore's. The password is
         * not kept: clear the array after the call.
         *
         * @throws IllegalArgumentException naming the file and what is wrong with it (never the password)
         */
        public Builder tlsKeystore(Path pkcs12, char[] password) {
            this.tls = Optional.of(TlsIdentity.fromPkcs12(Objects.requireNonNull(pkcs12, "pkcs12"), password));
            return this;
        }

        /**
         * Whether reads need the {@link #token} too: every route then answers 401 without it, except
         * {@code GET /health} (for probes, which it tells nothing but UP or DOWN). Default {@code false}: reads are
         * open. {@link #build()} fails when this is set without a token.
         */
        public Builder protectReads(boolean protect) {
            this.protectReads = protect;
            return this;
        }

        /** Largest accepted request body, 1 KiB..16 MiB; default 64 KiB. Larger bodies get 413. */
        public Builder maxBodyBytes(int bytes) {
            this.maxBodyBytes = ServerSettings.checkMaxBodyBytes(bytes);
            return this;
        }

        /** Worker threads, 1..256; default twice the processors, at least 4. */
        public Builder threads(int threads) {
            this.threads = ServerSettings.checkThreads(threads);
            return this;
        }

        /** How long a client may take to send a whole request, from its first byte; 100ms..5m, default 10 s. */
        public Builder readTimeout(Duration timeout) {
            this.readTimeout = ServerSettings.checkReadTimeout(timeout);
            return this;
        }

        /** How long one response write may block on a client that does not read; 100ms..5m, default 10 s. */
        public Builder writeTimeout(Duration timeout) {
            this.writeTimeout = ServerSettings.checkWriteTimeout(timeout);
            return this;
        }

        /** Event streams open at once, 1..10000; default 64. More get 503. */
        public Builder maxEventStreams(int streams) {
            this.maxEventStreams = ServerSettings.checkMaxEventStreams(streams);
            return this;
        }

        /**
         * Quiet time after which an event stream sends a keep-alive comment, which is also how a closed client is
         * noticed; 10ms..5m, default 15 s.
         */
        public Builder keepAliveInterval(Duration interval) {
            this.keepAliveInterval = ServerSettings.checkKeepAliveInterval(interval);
            return this;
        }

        /**
         * How often the registry's service list is read to watch new services (for {@code GET /events} and the event
         * counters of {@code /metrics}); 50ms..10m, default 2 s. New services a registry reports
         * ({@link dev.beacon.registry.ServiceRegistry#watchServices}: file, memory) are watched at once; for the
         * others (Redis) this is how soon they appear.
         */
        public Builder serviceScanInterval(Duration interval) {
            this.serviceScanInterval = ServerSettings.checkServiceScanInterval(interval);
            return this;
        }

        /**
         * Adds or replaces a balancing strategy of {@code GET /services/{name}/instance?strategy=name}; the server
         * keeps one balancer per service and strategy. Built in: the balancers of {@link LoadBalancer#NAMES} by
         * their names, {@code round-robin} the default. The server makes no calls to instances itself, so
         * {@code least-in-flight} and {@code p2c} see no call statistics here.
         */
        public Builder strategy(String name, Supplier<LoadBalancer> balancer) {
            strategies.put(ServerSettings.checkStrategyName(name), Objects.requireNonNull(balancer, "balancer"));
            return this;
        }

        /** Serves {@code content} at {@code GET /} (a dashboard page), with {@code contentType}. */
        public Builder indexPage(String contentType, byte[] content) {
            this.indexPage = Optional.of(new IndexPage(contentType, content));
            return this;
        }

        /**
         * Something to run alongside the server, such as an active health checker: {@code starter} is called by
         * {@link BeaconServer#start()} after the port is bound and returns the running thing, which
         * {@link BeaconServer#close()} closes (companions close in reverse order).
         */
        public Builder companion(Supplier<? extends AutoCloseable> starter) {
            companions.add(Objects.requireNonNull(starter, "starter"));
            return this;
        }

        /**
         * The server, not started: call {@link BeaconServer#start()}.
         *
         * @throws IllegalStateException when {@link #protectReads} is set without a {@link #token}
         */
        public BeaconServer build() {
            if (protectReads && token.isEmpty()) {
                throw new IllegalStateException("protectReads(true) needs a token: set token(...), or leave reads "
                        + "open");
            }
            return new BeaconServer(registry, new ServerSettings(port, bind, token, maxBodyBytes, threads, readTimeout,
                    writeTimeout, maxEventStreams, keepAliveInterval, serviceScanInterval, strategies, indexPage,
                    tls, protectReads), companions);
        }
    }
}
