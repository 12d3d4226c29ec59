package dev.beacon.server.internal;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsServer;
import dev.beacon.registry.ServiceRegistry;
import dev.beacon.support.Texts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * The parts of a started server, wired together: the JDK HttpServer (its HttpsServer with TLS), its worker pool and
 * I/O deadlines, the service watcher with its periodic scan, the metrics, and the handler with the route families.
 * {@link #start} builds and starts them, {@link #close} stops them in the reverse order. {@code BeaconServer} guards
 * the lifecycle; this class is not thread-safe.
 */
public final class RunningServer implements AutoCloseable {

    private static final String NO_DELAY = "sun.net.httpserver.nodelay";
    private static final int QUEUE_CAPACITY = 256;
    private static final int MAX_WATCHED_SERVICES = 1000;
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(1);

    private final HttpServer server;
    private final Deadlines deadlines;
    private final WorkerPool pool;
    private final ServiceWatcher watcher;
    private final EventRoutes events;
    private final ApiHandler handler;

    private RunningServer(HttpServer server, Deadlines deadlines, WorkerPool pool, ServiceWatcher watcher,
                          EventRoutes events, ApiHandler handler) {
        this.server = server;
        this.deadlines = deadlines;
        this.pool = pool;
        this.watcher = watcher;
        this.events = events;
        this.handler = handler;
    }

    /**
     * Binds {@code settings}' address and starts serving {@code registry}.
     *
     * @throws UncheckedIOException when the address cannot be resolved or bound, naming it
     */
    public static RunningServer start(ServiceRegistry registry, ServerSettings settings) {
        InetSocketAddress requested;
        try {
            requested = new InetSocketAddress(InetAddress.getByName(settings.bind()), settings.port());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot resolve bind address " + Texts.quote(settings.bind()) + ": "
                    + e.getMessage(), e);
        }
        enableNoDelay();
        HttpServer server;
        try {
            if (settings.tls().isPresent()) {
                HttpsServer https = HttpsServer.create(requested, 0);
                https.setHttpsConfigurator(settings.tls().get().configurator());
                server = https;
            } else {
                server = HttpServer.create(requested, 0);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + requested.getHostString() + ":" + settings.port()
                    + " (" + e.getMessage() + "); choose another port or address", e);
        }
        Deadlines deadlines = new Deadlines("beacon-http-deadlines");
        WorkerPool pool = new WorkerPool(settings.threads(), QUEUE_CAPACITY, deadlines, settings.readTimeout());
        ServiceWatcher watcher = new ServiceWatcher(registry, MAX_WATCHED_SERVICES);
        Metrics metrics = new Metrics();
        EventRoutes events = new EventRoutes(registry, watcher, settings, deadlines);
        Router router = new Router(
                new ReadRoutes(registry, new InstancePicker(settings.strategies())),
                new RegistrationRoutes(registry, watcher, metrics),
                new MaintenanceRoutes(registry),
                events,
                new HealthRoute(registry),
                new MetricsRoute(registry, metrics, watcher, events, pool),
                new DashboardRoute(settings.indexPage()),
                new PrometheusTargetsRoute(registry),
                pool, settings.maxBodyBytes());
        ApiHandler handler = new ApiHandler(router, settings.token(), settings.protectReads(),
                requested.getAddress().isLoopbackAddress(),
                settings.writeTimeout(), metrics, pool, deadlines);
        server.createContext("/", handler);
        server.setExecutor(pool);
        server.start();
        watcher.startScanning(settings.serviceScanInterval());
        return new RunningServer(server, deadlines, pool, watcher, events, handler);
    }

    /**
     * The JDK HttpServer writes a response's headers and its body in two writes; with Nagle's algorithm on, the body
     * then waits for the client's delayed ACK of the headers (about 40 ms on Linux), for every response. TCP_NODELAY
     * is reachable only through this JVM-wide property, read once when the JVM's first HttpServer is created; it is
     * set unless the user already chose a value.
     */
    private static void enableNoDelay() {
        if (System.getProperty(NO_DELAY) == null) {
            System.setProperty(NO_DELAY, "true");
        }
    }

    /** The address the server listens on, with the real port. */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** Requests in progress, event streams included. */
    public int activeRequests() {
        return handler.active();
    }

    public int openEventStreams() {
        return events.openStreams();
    }

    /**
     * Refuses new requests and ends the event streams, gives requests in progress up to a second, then stops the
     * HttpServer (closing every connection), the worker pool, the watches and their scan, and the deadline timer.
     */
    @Override
    public void close() {
        handler.refuseNewRequests();
        events.endStreams();
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
        pool.close();
        watcher.close();
        try {
            pool.awaitTermination(CLOSE_GRACE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        deadlines.close();
    }
}
