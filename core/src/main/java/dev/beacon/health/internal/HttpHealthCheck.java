package dev.beacon.health.internal;

import dev.beacon.ServiceInstance;
import dev.beacon.health.HealthCheck;
import dev.beacon.support.DaemonThreads;
import dev.beacon.support.Texts;

import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@link HealthCheck#http}: GET a path of the instance, or a fixed URL; 2xx passes. The exchange is bounded by the
 * timeout as a whole (the JDK client's own request timeout stops at the response headers). One {@link HttpClient} per
 * check, created on first use, on daemon threads that end when idle.
 */
public final class HttpHealthCheck implements HealthCheck {

    private static final AtomicInteger CLIENTS = new AtomicInteger();

    private final String path;
    private final URI url;
    private final Duration timeout;
    private final String shown;
    private volatile HttpClient client;

    private HttpHealthCheck(String path, URI url, Duration timeout) {
        this.path = path;
        this.url = url;
        this.timeout = Timeouts.check(timeout);
        this.shown = url != null ? url.toString() : path;
    }

    /** @see HealthCheck#http(String, Duration) */
    public static HttpHealthCheck ofPath(String path, Duration timeout) {
        if (path == null || !path.startsWith("/") || path.startsWith("//")) {
            throw new IllegalArgumentException("health check path must start with a single '/', such as /health, "
                    + "but was " + Texts.quote(path));
        }
        try {
            URI parsed = new URI("http://localhost" + path);
            if (parsed.getRawFragment() != null) {
                throw new IllegalArgumentException("health check path must not have a fragment ('#'), but was "
                        + Texts.quote(path));
            }
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("health check path " + Texts.quote(path) + " is not a valid URI path: "
                    + e.getReason(), e);
        }
        return new HttpHealthCheck(path, null, timeout);
    }

    /** @see HealthCheck#http(URI, Duration) */
    public static HttpHealthCheck ofUrl(URI url, Duration timeout) {
        String scheme = url == null || url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || url.getHost() == null) {
            throw new IllegalArgumentException("health check URL must be an absolute http:// or https:// URL with a "
                    + "host, such as http://127.0.0.1:8081/ready, but was "
                    + Texts.quote(url == null ? null : url.toString()));
        }
        return new HttpHealthCheck(null, url, timeout);
    }

    @Override
    public Result check(ServiceInstance instance) {
        long start = System.nanoTime();
        CompletableFuture<HttpResponse<Void>> exchange = null;
        try {
            URI target = url != null ? url : URI.create("http://" + instance.address() + path);
            HttpRequest request = HttpRequest.newBuilder(target).GET().timeout(timeout)
                    .header("User-Agent", "beacon-health-check").build();
            exchange = client().sendAsync(request, HttpResponse.BodyHandlers.discarding());
            int status = exchange.get(timeout.toNanos(), TimeUnit.NANOSECONDS).statusCode();
            String detail = shown + " answered " + status;
            return status >= 200 && status < 300 ? Result.pass(detail, Timeouts.since(start))
                    : Result.fail(detail, Timeouts.since(start));
        } catch (TimeoutException e) {
            exchange.cancel(true);
            return Result.fail(shown + " timed out after " + timeout.toMillis() + " ms", Timeouts.since(start));
        } catch (ExecutionException e) {
            return Result.fail(describe(e.getCause()), Timeouts.since(start));
        } catch (InterruptedException e) {
            if (exchange != null) {
                exchange.cancel(true);
            }
            Thread.currentThread().interrupt();
            return Result.fail(shown + ": interrupted", Timeouts.since(start));
        } catch (RuntimeException e) {
            return Result.fail(shown + " failed: " + e, Timeouts.since(start));
        }
    }

    private String describe(Throwable cause) {
        if (cause instanceof HttpConnectTimeoutException) {
            return shown + ": connect timed out after " + timeout.toMillis() + " ms";
        }
        if (cause instanceof HttpTimeoutException) {
            return shown + " timed out after " + timeout.toMillis() + " ms";
        }
        if (cause instanceof ConnectException) {
            String message = cause.getMessage();
            return message == null || message.toLowerCase(Locale.ROOT).contains("refused")
                    ? shown + ": connection refused" : shown + ": cannot connect: " + message;
        }
        return shown + " failed: " + cause;
    }

    private HttpClient client() {
        HttpClient c = client;
        if (c == null) {
            synchronized (this) {
                c = client;
                if (c == null) {
                    c = HttpClient.newBuilder()
                            .version(HttpClient.Version.HTTP_1_1)
                            .followRedirects(HttpClient.Redirect.NEVER)
                            .connectTimeout(timeout)
                            .executor(daemonPool("beacon-health-http-" + CLIENTS.incrementAndGet()))
                            .build();
                    client = c;
                }
            }
        }
        return c;
    }

    /** Like a cached pool: threads on demand, ended after 30 s idle; daemon, so they never keep the JVM alive. */
    private static ExecutorService daemonPool(String prefix) {
        return new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                DaemonThreads.numbered(prefix));
    }

    @Override
    public String toString() {
        return "HealthCheck.http(" + shown + ", " + timeout.toMillis() + " ms)";
    }
}
