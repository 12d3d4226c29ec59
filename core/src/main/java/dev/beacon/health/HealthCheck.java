package dev.beacon.health;

import dev.beacon.ServiceInstance;
import dev.beacon.health.internal.HttpHealthCheck;
import dev.beacon.health.internal.TcpHealthCheck;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * Checks whether one instance is healthy. Built-ins: {@link #http(String, Duration)} (GET a path on the instance),
 * {@link #http(URI, Duration)} (GET a fixed URL) and {@link #tcp(Duration)} (connect to the instance's port).
 *
 * <p>Implementations are thread-safe (one check object serves many instances at once), block the calling thread
 * for at most about their timeout, and never throw: every problem is a failed {@link Result} saying why.
 */
@FunctionalInterface
public interface HealthCheck {

    /** Checks {@code instance} now, on the calling thread. */
    Result check(ServiceInstance instance);

    /**
     * GETs {@code http://<host>:<port><path>} of the instance checked; a 2xx answer passes, anything else (another
     * status, a timeout, a refused connection) fails. Redirects are not followed. The whole exchange, body included,
     * must finish within {@code timeout}. Uses one {@link java.net.http.HttpClient} (HTTP/1.1, no proxy), created on
     * the first check, whose threads are daemon threads.
     *
     * @param path    starts with {@code /}, may carry a query: {@code /health}, {@code /ready?full=true}
     * @param timeout for the connection and the whole answer, 1 ms to 1 minute
     * @throws IllegalArgumentException naming the bad path or timeout
     */
    static HealthCheck http(String path, Duration timeout) {
        return HttpHealthCheck.ofPath(path, timeout);
    }

    /**
     * GETs {@code url}, whatever the instance checked (for an app whose health is served elsewhere, such as a
     * management port); otherwise like {@link #http(String, Duration)}.
     *
     * @param url an absolute {@code http} or {@code https} URL with a host
     * @throws IllegalArgumentException naming the bad URL or timeout
     */
    static HealthCheck http(URI url, Duration timeout) {
        return HttpHealthCheck.ofUrl(url, timeout);
    }

    /**
     * Opens a TCP connection to the instance's host and primary port and closes it at once; passes if the connection
     * is accepted within {@code timeout}. (A host name is resolved first; a slow resolver can add to the time.)
     *
     * @throws IllegalArgumentException naming a timeout outside 1 ms to 1 minute
     */
    static HealthCheck tcp(Duration timeout) {
        return new TcpHealthCheck(timeout);
    }

    /**
     * The outcome of one check.
     *
     * @param passed  whether the instance passed
     * @param detail  what happened, for people: {@code /health answered 503}, {@code /health timed out after 1000 ms},
     *                {@code tcp 10.0.0.5:8080: connection refused}
     * @param elapsed how long the check took
     */
    record Result(boolean passed, String detail, Duration elapsed) {

        public Result {
            Objects.requireNonNull(detail, "detail");
            Objects.requireNonNull(elapsed, "elapsed");
            if (elapsed.isNegative()) {
                throw new IllegalArgumentException("elapsed must not be negative, but was " + elapsed);
            }
        }

        public static Result pass(String detail, Duration elapsed) {
            return new Result(true, detail, elapsed);
        }

        public static Result fail(String detail, Duration elapsed) {
            return new Result(false, detail, elapsed);
        }
    }
}
