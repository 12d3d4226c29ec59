package dev.beacon.health;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP server on a free loopback port for health check tests: {@code /health} answers {@link #status} (200
 * until changed), {@code /slow} answers 200 after {@link #slowMillis}, {@code /redirect} 301, anything else 404.
 * Counts the requests to {@code /health}.
 */
final class TestHttpServer implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "test-http-server");
        thread.setDaemon(true);
        return thread;
    });
    volatile int status = 200;
    volatile long slowMillis = 3_000;
    final AtomicInteger healthRequests = new AtomicInteger();

    TestHttpServer() throws IOException {
        this(InetAddress.getLoopbackAddress());
    }

    TestHttpServer(InetAddress address) throws IOException {
        server = HttpServer.create(new InetSocketAddress(address, 0), 100);
        server.createContext("/", exchange -> {
            try (exchange) {
                String path = exchange.getRequestURI().getPath();
                int code;
                if (path.equals("/health")) {
                    healthRequests.incrementAndGet();
                    code = status;
                } else if (path.equals("/slow")) {
                    try {
                        Thread.sleep(slowMillis);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    code = 200;
                } else if (path.equals("/redirect")) {
                    exchange.getResponseHeaders().set("Location", "/health");
                    code = 301;
                } else {
                    code = 404;
                }
                exchange.sendResponseHeaders(code, -1);
            }
        });
        server.setExecutor(executor);
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
