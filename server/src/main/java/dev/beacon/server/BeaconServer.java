package dev.beacon.server;

import com.sun.net.httpserver.HttpServer;
import dev.beacon.balance.LoadBalancer;
import dev.beacon.server.internal.ApiHandler;
import dev.beacon.server.internal.ApiSettings;
import dev.beacon.server.internal.Auth;
import dev.beacon.server.internal.Deadlines;
import dev.beacon.server.internal.InstancePicker;
import dev.beacon.server.internal.Metrics;
import dev.beacon.server.internal.ServiceWatcher;
import dev.beacon.server.internal.WorkerPool;
import dev.beacon.registry.ServiceRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Pattern;

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
 * {@code GET /metrics} (Prometheus), and an optional page at {@code GET /}. The README documents each with curl.
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
 * {@code Authorization: Bearer <token>}; reads stay open.
 *
 * <p>Not started by {@link Builder#build()}; {@link #start()} binds and starts the threads, {@link #close()} stops
 * them (idempotent). The JDK server's dispatcher thread is not a daemon, so a started server keeps the JVM running
 * until it is closed; Beacon's own threads are daemons. The registry is not closed with the server. Thread-safe.
 */
public final class BeaconServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BeaconServer.class);

    public static final int DEFAULT_PORT = 8500;
    public static final String DEFAULT_BIND = "127.0.0.1";

    private static final String NO_DELAY = "sun.net.httpserver.nodelay";
    private static final int QUEUE_CAPACITY = 256;
    private static final int MAX_WATCHED_SERVICES = 1000;
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(1);

    private final ServiceRegistry registry;
    private final Builder settings;
    private final Map<String, Supplier<LoadBalancer>> strategies;
    private final List<Supplier<? extends AutoCloseable>> companionStarters;
    private final List<AutoCloseable> companions = new ArrayList<>();
    private HttpServer server;
    private Deadlines deadlines;
    private WorkerPool pool;
    private ServiceWatcher watcher;
    private ScheduledExecutorService scanner;
    private ApiHandler handler;
    private InetSocketAddress address;
    private boolean started;
    private boolean closed;

    private BeaconServer(Builder builder) {
        this.registry = builder.registry;
        this.settings = builder.copy();
        this.strategies = Map.copyOf(builder.strategies);
        this.companionStarters = List.copyOf(builder.companions);
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
        InetSocketAddress requested;
        try {
            requested = new InetSocketAddress(InetAddress.getByName(settings.bind), settings.port);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot resolve bind address '" + settings.bind + "': " + e.getMessage(),
                    e);
        }
        enableNoDelay();
        try {
            server = HttpServer.create(requested, 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + requested.getHostString() + ":" + settings.port
                    + " (" + e.getMessage() + "); choose another port or address", e);
        }
        deadlines = new Deadlines("beacon-http-deadlines");
        pool = new WorkerPool(settings.threads, QUEUE_CAPACITY, deadlines, settings.readTimeout);
        watcher = new ServiceWatcher(registry, MAX_WATCHED_SERVICES);
        boolean loopback = requested.getAddress().isLoopbackAddress();
        ApiSettings api = new ApiSettings(settings.maxBodyBytes, settings.writeTimeout, settings.keepAlive,
                settings.maxEventStreams, Optional.ofNullable(settings.token).map(Auth::hash), loopback,
                Optional.ofNullable(settings.indexContentType), Optional.ofNullable(settings.indexContent));
        handler = new ApiHandler(registry, new InstancePicker(strategies), Strategies.DEFAULT, watcher,
                new Metrics(), api, pool, deadlines);
        server.createContext("/", handler);
        server.setExecutor(pool);
        server.start();
        address = server.getAddress();
        scanner = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "beacon-http-service-scan");
            thread.setDaemon(true);
            return thread;
        });
        long scan = settings.scanInterval.toMillis();
        scanner.scheduleWithFixedDelay(watcher::scan, 0, scan, TimeUnit.MILLISECONDS);
        if (!loopback && settings.token == null) {
            log.warn("the HTTP API listens on {} without a token: anyone who reaches it can register and remove "
                    + "instances; set a token", uri());
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

    /**
     * The JDK HttpServer writes a response's headers and its body in two writes; with Nagle's algorithm on, the body
     * then waits for the client's delayed ACK of the headers, about 40 ms on Linux, for every response. TCP_NODELAY
     * is reachable only through this JVM-wide property, read once when the JVM's first HttpServer is created; it is
     * set unless the user already chose a value. (Measured here: 48 ms per request without, 4 ms with.)
     */
    private static void enableNoDelay() {
        if (System.getProperty(NO_DELAY) == null) {
            System.setProperty(NO_DELAY, "true");
        }
    }

    /** The address the server listens on (with the real port when {@link Builder#port} was 0). */
    public synchronized InetSocketAddress address() {
        if (address == null) {
            throw new IllegalStateException("the server is not started");
        }
        return address;
    }

    /** {@code http://host:port/} of the server. */
    public URI uri() {
        InetSocketAddress bound = address();
        String host = bound.getAddress().getHostAddress();
        return URI.create("http://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + bound.getPort()
                + "/");
    }

    /** Requests in progress, event streams included (tests). */
    int activeRequests() {
        return handler == null ? 0 : handler.active();
    }

    /** Open event streams (tests). */
    int openEventStreams() {
        return handler == null ? 0 : handler.openStreams();
    }

    /**
     * Stops accepting connections, ends the event streams, gives requests in progress up to a second, then closes
     * every connection and thread and the companions. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (server == null) {
            return;
        }
        handler.shutdown();
        long deadline = System.nanoTime() + CLOSE_GRACE.toNanos();
        while (handler.active() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        server.stop(0);
        scanner.shutdownNow();
        pool.close();
        for (int i = companions.size() - 1; i >= 0; i--) {
            try {
                companions.get(i).close();
            } catch (Exception e) {
                log.warn("closing companion {} of the HTTP API failed", companions.get(i), e);
            }
        }
        watcher.close();
        try {
            pool.awaitTermination(CLOSE_GRACE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        deadlines.close();
    }

    @Override
    public String toString() {
        return "BeaconServer[" + (address == null ? settings.bind + ":" + settings.port : uri()) + ", registry="
                + registry + ", token " + (settings.token == null ? "not set" : "set") + "]";
    }

    /** Configures a {@link BeaconServer}; setters fail fast on bad values. Not thread-safe. */
    public static final class Builder {
        private static final Pattern TOKEN = Pattern.compile("[\\x21-\\x7e]{1,4096}");

        private final ServiceRegistry registry;
        private int port = DEFAULT_PORT;
        private String bind = DEFAULT_BIND;
        private String token;
        private int maxBodyBytes = 64 * 1024;
        private int threads = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
        private Duration readTimeout = Duration.ofSeconds(10);
        private Duration writeTimeout = Duration.ofSeconds(10);
        private int maxEventStreams = 64;
        private Duration keepAlive = Duration.ofSeconds(15);
        private Duration scanInterval = Duration.ofSeconds(2);
        private final Map<String, Supplier<LoadBalancer>> strategies = new LinkedHashMap<>(Strategies.defaults());
        private String indexContentType;
        private byte[] indexContent;
        private final List<Supplier<? extends AutoCloseable>> companions = new ArrayList<>();

        private Builder(ServiceRegistry registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
        }

        /** TCP port, 0..65535 (0: any free port, see {@link #address()}); default {@value #DEFAULT_PORT}. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0..65535, but was " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * The local address to listen on, an IP literal or host name; default {@value #DEFAULT_BIND}. {@code 0.0.0.0}
         * listens on every interface: set a {@link #token} then.
         */
        public Builder bind(String address) {
            if (address == null || address.isBlank() || address.length() > 253) {
                throw new IllegalArgumentException("bind address must be an IP address or host name, but was "
                        + (address == null ? "null" : "'" + address + "'"));
            }
            this.bind = address.trim();
            return this;
        }

        /**
         * The bearer token every write (PUT, DELETE) must carry; {@code null} or empty: writes need none. Visible
         * ASCII without spaces, at most 4096 characters. Never logged or shown.
         */
        public Builder token(String token) {
            if (token == null || token.isEmpty()) {
                this.token = null;
                return this;
            }
            if (!TOKEN.matcher(token).matches()) {
                throw new IllegalArgumentException("token must be 1..4096 visible ASCII characters without spaces"
                        + " (the token itself is not shown)");
            }
            this.token = token;
            return this;
        }

        /** Largest accepted request body, 1 KiB..16 MiB; default 64 KiB. Larger bodies get 413. */
        public Builder maxBodyBytes(int bytes) {
            if (bytes < 1024 || bytes > 16 * 1024 * 1024) {
                throw new IllegalArgumentException("max body bytes must be 1024..16777216, but was " + bytes);
            }
            this.maxBodyBytes = bytes;
            return this;
        }

        /** Worker threads, 1..256; default twice the processors, at least 4. */
        public Builder threads(int threads) {
            if (threads < 1 || threads > 256) {
                throw new IllegalArgumentException("threads must be 1..256, but was " + threads);
            }
            this.threads = threads;
            return this;
        }

        /** How long a client may take to send a whole request, from its first byte; 100ms..5m, default 10 s. */
        public Builder readTimeout(Duration timeout) {
            this.readTimeout = checkDuration("read timeout", timeout, Duration.ofMillis(100), Duration.ofMinutes(5));
            return this;
        }

        /** How long one response write may block on a client that does not read; 100ms..5m, default 10 s. */
        public Builder writeTimeout(Duration timeout) {
            this.writeTimeout = checkDuration("write timeout", timeout, Duration.ofMillis(100),
                    Duration.ofMinutes(5));
            return this;
        }

        /** Event streams open at once, 1..10000; default 64. More get 503. */
        public Builder maxEventStreams(int streams) {
            if (streams < 1 || streams > 10_000) {
                throw new IllegalArgumentException("max event streams must be 1..10000, but was " + streams);
            }
            this.maxEventStreams = streams;
            return this;
        }

        /**
         * Quiet time after which an event stream sends a keep-alive comment, which is also how a closed client is
         * noticed; 10ms..5m, default 15 s.
         */
        public Builder keepAliveInterval(Duration interval) {
            this.keepAlive = checkDuration("keep-alive interval", interval, Duration.ofMillis(10),
                    Duration.ofMinutes(5));
            return this;
        }

        /**
         * How often the registry's service list is read to watch new services (for {@code GET /events} and the event
         * counters of {@code /metrics}); 50ms..10m, default 2 s.
         */
        public Builder serviceScanInterval(Duration interval) {
            this.scanInterval = checkDuration("service scan interval", interval, Duration.ofMillis(50),
                    Duration.ofMinutes(10));
            return this;
        }

        /**
         * Adds or replaces a balancing strategy of {@code GET /services/{name}/instance?strategy=name}; the server
         * keeps one balancer per service and strategy. Built in: {@code round-robin} (the default) and
         * {@code random}.
         */
        public Builder strategy(String name, Supplier<LoadBalancer> balancer) {
            if (name == null || !name.matches("[a-z0-9][a-z0-9-]{0,31}")) {
                throw new IllegalArgumentException("strategy name must match [a-z0-9][a-z0-9-]{0,31}, but was "
                        + (name == null ? "null" : "'" + name + "'"));
            }
            strategies.put(name, Objects.requireNonNull(balancer, "balancer"));
            return this;
        }

        /** Serves {@code content} at {@code GET /} (a dashboard page), with {@code contentType}. */
        public Builder indexPage(String contentType, byte[] content) {
            if (contentType == null || !contentType.matches("[\\x20-\\x7e]{1,200}")) {
                throw new IllegalArgumentException("content type must be 1..200 visible ASCII characters, but was "
                        + (contentType == null ? "null" : "'" + contentType + "'"));
            }
            this.indexContentType = contentType;
            this.indexContent = Objects.requireNonNull(content, "content").clone();
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

        /** The server, not started: call {@link BeaconServer#start()}. */
        public BeaconServer build() {
            return new BeaconServer(this);
        }

        private Builder copy() {
            Builder copy = new Builder(registry);
            copy.port = port;
            copy.bind = bind;
            copy.token = token;
            copy.maxBodyBytes = maxBodyBytes;
            copy.threads = threads;
            copy.readTimeout = readTimeout;
            copy.writeTimeout = writeTimeout;
            copy.maxEventStreams = maxEventStreams;
            copy.keepAlive = keepAlive;
            copy.scanInterval = scanInterval;
            copy.indexContentType = indexContentType;
            copy.indexContent = indexContent == null ? null : Arrays.copyOf(indexContent, indexContent.length);
            return copy;
        }

        private static Duration checkDuration(String what, Duration value, Duration min, Duration max) {
            if (value == null || value.compareTo(min) < 0 || value.compareTo(max) > 0) {
                throw new IllegalArgumentException(what + " must be between " + min.toMillis() + "ms and "
                        + max.toMinutes() + "m, but was " + value);
            }
            return value;
        }
    }
}
