package dev.beacon.sample;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.beacon.DiscoveryException;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The sample app's HTTP server, on the JDK's {@link HttpServer}. Pages (all {@code text/plain}):
 * <ul>
 *   <li>{@code GET /} — {@code <name> on port <port>}</li>
 *   <li>{@code GET /health} — 200 {@code UP}, or 503 {@code DOWN} after {@code POST /health/down};
 *       {@code POST /health/up} sets it back</li>
 *   <li>{@code GET /call/{service}} — the answer of an instance of {@code service} that the discovery client chose,
 *       with {@code (via host:port)}; 503 saying why when there is none or the call failed</li>
 *   <li>{@code GET /lookup/{service}} — one line {@code id host:port status} per instance the registry lists, in any
 *       status, ordered by id</li>
 * </ul>
 * Other methods get 405, other paths 404. Thread-safe. Started by {@link #start}; {@link #close} is idempotent.
 */
final class SampleServer implements AutoCloseable {

    private static final int THREADS = 4;
    private static final Duration DRAIN = Duration.ofSeconds(2);

    private final HttpServer server;
    private final ExecutorService executor;
    private final String name;
    private final ServiceCaller caller;
    private final AtomicBoolean up = new AtomicBoolean(true);
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();

    private record Response(int status, String body, String allow) {
        Response(int status, String body) {
            this(status, body, null);
        }
    }

    private SampleServer(HttpServer server, ExecutorService executor, String name, ServiceCaller caller) {
        this.server = server;
        this.executor = executor;
        this.name = name;
        this.caller = caller;
    }

    /**
     * Listens on {@code port} (0 for any free port) on all interfaces and starts serving.
     *
     * @throws IOException if the port cannot be bound
     */
    static SampleServer start(int port, String name, ServiceCaller caller) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
        AtomicInteger threadNumber = new AtomicInteger();
        ExecutorService executor = Executors.newFixedThreadPool(THREADS,
                runnable -> new Thread(runnable, "sample-http-" + threadNumber.incrementAndGet()));
        SampleServer sample = new SampleServer(server, executor, name, caller);
        server.createContext("/", sample::handle);
        server.setExecutor(executor);
        server.start();
        return sample;
    }

    /** The port this server listens on. */
    int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        inFlight.incrementAndGet();
        try (exchange) {
            Response response;
            try {
                response = route(exchange.getRequestMethod(), exchange.getRequestURI().getPath());
            } catch (RuntimeException e) {
                response = new Response(500, "internal error: " + e);
            }
            byte[] body = response.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            if (response.allow() != null) {
                exchange.getResponseHeaders().set("Allow", response.allow());
            }
            exchange.sendResponseHeaders(response.status(), body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                exchange.getResponseBody().write(body);
            }
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private Response route(String method, String path) {
        if (path.equals("/")) {
            return only("GET", method, path, () -> new Response(200, name + " on port " + port()));
        }
        if (path.equals("/health")) {
            return only("GET", method, path, this::health);
        }
        if (path.equals("/health/up") || path.equals("/health/down")) {
            return only("POST", method, path, () -> {
                up.set(path.equals("/health/up"));
                return health();
            });
        }
        if (path.startsWith("/call/")) {
            return only("GET", method, path, () -> discover(() -> caller.call(path.substring("/call/".length()))));
        }
        if (path.startsWith("/lookup/")) {
            return only("GET", method, path, () -> discover(() -> lookup(path.substring("/lookup/".length()))));
        }
        return new Response(404, "no page " + path + "; try /, /health, /call/{service}, /lookup/{service}");
    }

    private Response health() {
        return up.get() ? new Response(200, "UP") : new Response(503, "DOWN");
    }

    private String lookup(String service) {
        return caller.instances(service).stream()
                .map(i -> i.id() + " " + i.address() + " " + i.status() + "\n")
                .collect(Collectors.joining());
    }

    private static Response discover(Supplier<String> action) {
        try {
            return new Response(200, action.get());
        } catch (IllegalArgumentException e) {
            return new Response(400, e.getMessage());
        } catch (DiscoveryException e) {
            return new Response(503, e.getMessage());
        }
    }

    private static Response only(String allowed, String method, String path, Supplier<Response> action) {
        if (!allowed.equals(method)) {
            return new Response(405, "method " + method + " is not allowed on " + path + "; use " + allowed,
                    allowed);
        }
        return action.get();
    }

    /**
     * Waits up to two seconds for requests in flight, then stops listening and releases the threads. Does not close
     * the caller's discovery client.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        // On JDK 17, HttpServer.stop(delay) sleeps the whole delay even when idle, so drain here and stop at once.
        long deadline = System.nanoTime() + DRAIN.toNanos();
        try {
            while (inFlight.get() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server.stop(0);
        executor.shutdown();
        try {
            executor.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "SampleServer[" + name + " on port " + port() + "]";
    }
}
