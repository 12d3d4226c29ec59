package dev.beacon.server.internal;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.beacon.RegistryUnavailableException;
import dev.beacon.support.Texts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one HttpHandler of the server, the life of each exchange: checks the request head, decodes the target, matches
 * the route, checks method and token, lets the {@link Router} answer, and writes the reply (or runs the event
 * stream). Every failure becomes a JSON error with a 4xx status (503 when the registry cannot be reached; 500 only
 * for a bug, logged). I/O failures (the client went away, a deadline ran out) propagate to the HttpServer, which
 * closes the connection. Each request is timed and counted in the metrics. Thread-safe.
 */
final class ApiHandler implements HttpHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiHandler.class);

    private final Router router;
    private final Optional<BearerToken> token;
    private final boolean protectReads;
    private final boolean loopbackOnly;
    private final Duration writeTimeout;
    private final Metrics metrics;
    private final WorkerPool pool;
    private final Deadlines deadlines;
    private final AtomicInteger active = new AtomicInteger();
    private volatile boolean closing;

    /**
     * @param token        the token writes need, if any
     * @param protectReads whether every route but {@code /health} needs the token, reads too
     * @param loopbackOnly answer only requests whose {@code Host} names a loopback address (bound to loopback)
     * @param writeTimeout longest a single response write may block
     */
    ApiHandler(Router router, Optional<BearerToken> token, boolean protectReads, boolean loopbackOnly,
               Duration writeTimeout, Metrics metrics, WorkerPool pool, Deadlines deadlines) {
        this.router = router;
        this.token = token;
        this.protectReads = protectReads;
        this.loopbackOnly = loopbackOnly;
        this.writeTimeout = writeTimeout;
        this.metrics = metrics;
        this.pool = pool;
        this.deadlines = deadlines;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        long started = System.nanoTime();
        active.incrementAndGet();
        String method = exchange.getRequestMethod();
        Route[] route = {Route.UNMATCHED};
        String code = "aborted";
        boolean observed = false;
        Reply reply = null;
        try {
            reply = answer(exchange, method, route);
            pool.endReadPhase();
            boolean head = method.equals("HEAD");
            send(exchange, reply, head);
            code = Integer.toString(reply.status());
            if (reply.drop()) {
                // the HttpServer closes the connection without draining the rest of a broken body
                throw new IOException("connection dropped after " + code + " for a malformed body");
            }
            if (reply.stream().isPresent()) {
                metrics.observe(method, route[0].template(), code, System.nanoTime() - started);
                observed = true;
                pool.runCompensated(reply.stream().get()::run);
                deadlines.within(writeTimeout, exchange::close);
            }
        } finally {
            if (reply != null) {
                reply.stream().ifPresent(Reply.Stream::release);
            }
            if (!observed) {
                metrics.observe(method, route[0].template(), code, System.nanoTime() - started);
            }
            active.decrementAndGet();
        }
    }

    /** The reply to the request; every failure but an I/O one becomes an error reply. */
    private Reply answer(HttpExchange exchange, String method, Route[] matched) throws IOException {
        try {
            if (closing) {
                throw HttpError.unavailable("the server is shutting down");
            }
            RequestHead.check(exchange, loopbackOnly);
            RequestTarget target = RequestTarget.parse(exchange.getRequestURI().getRawPath(),
                    exchange.getRequestURI().getRawQuery());
            Route route = Route.match(target.segments());
            matched[0] = route;
            if (route == Route.UNMATCHED) {
                throw HttpError.notFound("no route for " + Texts.quote(exchange.getRequestURI().getRawPath())
                        + "; routes: " + Route.summary());
            }
            if (!route.allows(method)) {
                throw HttpError.methodNotAllowed(method, route.template(), route.allow());
            }
            boolean writes = route.writes(method);
            if (token.isPresent() && (writes || (protectReads && route != Route.HEALTH))) {
                try {
                    token.get().check(exchange.getRequestHeaders(), writes ? "writes" : "reads");
                } catch (HttpError e) {
                    metrics.unauthorized();
                    throw e;
                }
            }
            return router.route(exchange, method, route, target);
        } catch (HttpError e) {
            return Reply.error(e);
        } catch (IllegalArgumentException e) {
            return Reply.error(400, e.getMessage(), Map.of());
        } catch (RegistryUnavailableException e) {
            return Reply.error(503, "registry unavailable: " + e.getMessage(), Map.of("Retry-After", "1"));
        } catch (RuntimeException e) {
            log.error("{} {} failed", method, exchange.getRequestURI().getRawPath(), e);
            return Reply.error(500, "internal error (" + e.getClass().getSimpleName()
                    + "); the server log has the details", Map.of());
        }
    }

    private void send(HttpExchange exchange, Reply reply, boolean head) throws IOException {
        Headers headers = exchange.getResponseHeaders();
        headers.set("Content-Type", reply.contentType());
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("Cache-Control", "no-store");
        reply.headers().forEach(headers::set);
        deadlines.within(writeTimeout, () -> {
            if (reply.stream().isPresent()) { // never for HEAD: the route answers that without a stream
                exchange.sendResponseHeaders(reply.status(), 0);
                return;
            }
            byte[] body = reply.body();
            if (head || body.length == 0) {
                exchange.sendResponseHeaders(reply.status(), -1);
            } else {
                exchange.sendResponseHeaders(reply.status(), body.length);
                OutputStream out = exchange.getResponseBody();
                out.write(body);
                out.flush(); // on the wire before close() drains whatever body the client still sends
            }
            if (!reply.drop()) {
                exchange.close();
            }
        });
    }

    /** Answers every new request with 503 (server shutdown). */
    void refuseNewRequests() {
        closing = true;
    }

    /** Requests being handled now, event streams included. */
    int active() {
        return active.get();
    }
}
