package dev.beacon.server.internal;

import dev.beacon.support.Texts;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A request the server answers with a 4xx or 5xx status and {@code {"error": message}}: thrown by the routes, turned
 * into the response by {@link ApiHandler}. The message says what was wrong and, where it helps, what is valid; it
 * never holds a secret. Carries no stack trace: it is control flow, not a bug.
 */
final class HttpError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final transient Map<String, String> headers;
    private final boolean dropConnection;

    public HttpError(int status, String message) {
        this(status, message, Map.of());
    }

    public HttpError(int status, String message, Map<String, String> headers) {
        this(status, message, headers, false);
    }

    private HttpError(int status, String message, Map<String, String> headers, boolean dropConnection) {
        super(message, null, false, false);
        this.dropConnection = dropConnection;
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("an error status must be 4xx or 5xx, but was " + status);
        }
        this.status = status;
        this.headers = Map.copyOf(headers);
    }

    public static HttpError badRequest(String message) {
        return new HttpError(400, message);
    }

    public static HttpError notFound(String message) {
        return new HttpError(404, message);
    }

    /** 404 for an instance id that names no live instance. */
    static HttpError notRegistered(String service, String id) {
        return notFound("instance " + Texts.quote(id) + " of " + Texts.quote(service) + " is not registered");
    }

    /** 405 with the {@code Allow} header listing {@code allowed}. */
    public static HttpError methodNotAllowed(String method, String route, String allowed) {
        return new HttpError(405, "method " + Texts.quote(method) + " is not allowed on " + route + "; use "
                + allowed.replace(", ", " or "), Map.of("Allow", allowed));
    }

    /** 503 with {@code Retry-After}. */
    public static HttpError unavailable(String message) {
        return new HttpError(503, message, Map.of("Retry-After", "1"));
    }

    /**
     * 400 for a body that broke the framing (bad chunked encoding, cut short): after the answer the connection is
     * dropped instead of drained, since what follows on it is not a request.
     */
    public static HttpError malformedBody(String message) {
        return new HttpError(400, message, Map.of("Connection", "close"), true);
    }

    /** Whether the connection is closed right after the answer is sent. */
    public boolean dropConnection() {
        return dropConnection;
    }

    public int status() {
        return status;
    }

    /** Extra response headers ({@code Allow}, {@code Retry-After}, {@code WWW-Authenticate}). */
    public Map<String, String> headers() {
        return new LinkedHashMap<>(headers);
    }
}
