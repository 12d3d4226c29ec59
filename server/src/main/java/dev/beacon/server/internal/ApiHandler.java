package dev.beacon.server.internal;

import dev.beacon.support.Texts;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.beacon.RegistryUnavailableException;
import dev.beacon.ServiceInstance;
import dev.beacon.registry.ServiceRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * The one HttpHandler of the server: bounds the request head, decodes the target, routes, checks method and token,
 * reads bounded bodies, and turns every failure into a JSON error with a 4xx status (503 when the registry cannot be
 * reached; 500 only for a bug, logged). I/O failures (the client went away, a deadline ran out) propagate to the
 * HttpServer, which closes the connection. Thread-safe.
 */
public final class ApiHandler implements HttpHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiHandler.class);

    static final int MAX_URI_LENGTH = 8192;
    static final int MAX_HEADERS = 100;
    static final int MAX_HEADER_BYTES = 64 * 1024;
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-f:.]{2,45}");

    private final Routes routes;
    private final ApiSettings settings;
    private final WorkerPool pool;
    private final Deadlines deadlines;
    private final Metrics metrics;
    private final AtomicInteger active = new AtomicInteger();
    private volatile boolean closing;

    public ApiHandler(ServiceRegistry registry, InstancePicker picker, String defaultStrategy,
                      ServiceWatcher watcher, Metrics metrics, ApiSettings settings, WorkerPool pool,
                      Deadlines deadlines) {
        this.routes = new Routes(registry, picker, defaultStrategy, watcher, metrics, settings, pool, deadlines);
        this.settings = settings;
        this.pool = pool;
        this.deadlines = deadlines;
        this.metrics = metrics;
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
                deadlines.within(settings.writeTimeout(), exchange::close);
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
            checkHead(exchange);
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
            if (route.writes(method)) {
                try {
                    Auth.check(exchange.getRequestHeaders(), settings.tokenHash());
                } catch (HttpError e) {
                    metrics.unauthorized();
                    throw e;
                }
            }
            return dispatch(exchange, method, route, target);
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

    private Reply dispatch(HttpExchange exchange, String method, Route route, RequestTarget target)
            throws IOException {
        List<String> segments = target.segments();
        String service = segments.size() > 1 ? ServiceInstance.checkServiceName(segments.get(1)) : null;
        String id = segments.size() > 3 ? ServiceInstance.checkInstanceId(segments.get(3)) : null;
        if (!(route == Route.INSTANCE && method.equals("PUT"))) {
            pool.endReadPhase(); // no body to read: the registry may be slow, the client may not
        }
        return switch (route) {
            case INDEX -> routes.index(target);
            case HEALTH -> routes.health(target);
            case METRICS -> routes.metrics(target);
            case EVENTS -> routes.allEvents(target, exchange);
            case SERVICES -> routes.services(target);
            case SERVICE -> routes.service(target, service);
            case PICK -> routes.pick(target, service);
            case SERVICE_EVENTS -> routes.serviceEvents(target, service, exchange);
            case HEARTBEAT -> routes.heartbeat(target, service, id);
            case INSTANCE -> switch (method) {
                case "PUT" -> routes.register(target, service, id, () -> readBody(exchange));
                case "DELETE" -> routes.deregister(target, service, id);
                default -> routes.instance(target, service, id);
            };
            case UNMATCHED -> throw new IllegalStateException("unmatched route dispatched");
        };
    }

    private byte[] readBody(HttpExchange exchange) throws IOException {
        String type = exchange.getRequestHeaders().getFirst("Content-Type");
        if (type != null && !isJson(type)) {
            throw new HttpError(415, "Content-Type must be application/json, but was " + Texts.quote(type),
                    Map.of("Connection", "close"));
        }
        byte[] body;
        try {
            body = BodyReader.read(exchange, settings.maxBodyBytes());
        } catch (HttpError e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            if (pool.readPhaseExpired() || e instanceof ClosedChannelException || e instanceof SocketException) {
                throw e instanceof IOException io ? io : new IOException(e); // nobody left to answer
            }
            // a malformed chunked encoding or a body cut short: the connection cannot be reused
            throw HttpError.malformedBody("the request body could not be read: " + e.getMessage());
        }
        pool.endReadPhase();
        return body;
    }

    private static boolean isJson(String contentType) {
        String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return type.equals("application/json") || type.endsWith("+json") || type.isEmpty();
    }

    /** Bounds the request head and, on loopback, refuses foreign Host names (DNS rebinding). */
    private void checkHead(HttpExchange exchange) {
        if (exchange.getRequestURI().toString().length() > MAX_URI_LENGTH) {
            throw new HttpError(414, "the request target is longer than " + MAX_URI_LENGTH + " characters");
        }
        Headers headers = exchange.getRequestHeaders();
        int count = 0;
        long bytes = 0;
        for (Map.Entry<String, List<String>> header : headers.entrySet()) {
            for (String value : header.getValue()) {
                count++;
                bytes += header.getKey().length() + (value == null ? 0 : value.length()) + 4;
            }
        }
        if (count > MAX_HEADERS || bytes > MAX_HEADER_BYTES) {
            throw new HttpError(431, "request headers too large: " + count + " headers, " + bytes
                    + " bytes; the limits are " + MAX_HEADERS + " headers and " + MAX_HEADER_BYTES + " bytes");
        }
        if (settings.loopbackOnly()) {
            List<String> hosts = headers.get("Host");
            if (hosts != null && (hosts.size() != 1 || !isLoopbackHost(hosts.get(0)))) {
                throw new HttpError(403, "Host " + Texts.quote(String.join(", ", hosts)) + " is not answered: "
                        + "this server listens on loopback and answers only requests for localhost or a loopback "
                        + "address such as 127.0.0.1 or [::1] (protection against DNS rebinding)");
            }
        }
    }

    /**
     * Whether a Host header value names this machine: {@code localhost} or a loopback IP literal, any port. Names are
     * never resolved.
     */
    static boolean isLoopbackHost(String host) {
        String value = host.trim().toLowerCase(Locale.ROOT);
        if (value.startsWith("[")) {
            int end = value.indexOf(']');
            String literal = end < 0 ? "" : value.substring(1, end);
            if (!IPV6.matcher(literal).matches() || literal.indexOf(':') < 0) {
                return false;
            }
            try {
                // a literal with a colon is parsed, never looked up
                return InetAddress.getByName("[" + literal + "]").isLoopbackAddress();
            } catch (UnknownHostException e) {
                return false;
            }
        }
        int colon = value.indexOf(':');
        String name = colon < 0 ? value : value.substring(0, colon);
        if (name.equals("localhost")) {
            return true;
        }
        if (!IPV4.matcher(name).matches()) {
            return false;
        }
        for (String octet : name.split("\\.")) {
            if (Integer.parseInt(octet) > 255) {
                return false;
            }
        }
        return name.startsWith("127.");
    }

    private void send(HttpExchange exchange, Reply reply, boolean head) throws IOException {
        Headers headers = exchange.getResponseHeaders();
        headers.set("Content-Type", reply.contentType());
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("Cache-Control", "no-store");
        reply.headers().forEach(headers::set);
        deadlines.within(settings.writeTimeout(), () -> {
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

    /** Refuses new requests with 503 and ends the event streams. */
    public void shutdown() {
        closing = true;
        routes.endStreams();
    }

    /** Requests being handled now, event streams included. */
    public int active() {
        return active.get();
    }

    public int openStreams() {
        return routes.openStreams();
    }
}
