package dev.beacon.client;

import dev.beacon.ServiceInstance;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Sends JDK {@link HttpRequest}s addressed to a service instead of a host: {@code http://orders/orders/7} goes to
 * one routable instance of {@code orders}, chosen by a {@link DiscoveryClient}, and the call is recorded (in flight
 * while it runs, its latency, and a failure for an {@link IOException} or a 5xx answer), so that the latency-aware
 * balancers and outlier ejection see it.
 *
 * <pre>{@code
 * DiscoveryHttpClient http = DiscoveryHttpClient.of(discovery, HttpClient.newHttpClient());
 * HttpResponse<String> order = http.send(HttpRequest.newBuilder(URI.create("http://orders/orders/7")).build(),
 *         HttpResponse.BodyHandlers.ofString());
 * }</pre>
 *
 * <p>The URI's host is the service name; its port, if any, is ignored: {@code http} goes to the instance's primary
 * port, {@code https} to its port named {@code https} when it has one, else the primary port. Path, query and
 * fragment are kept; the headers and body too.
 *
 * <p><b>Retry.</b> An idempotent request (GET, HEAD, OPTIONS, PUT, DELETE, TRACE) that fails before any answer —
 * connection refused, reset or closed, not a timeout of the request — is sent once more to another instance (when
 * there is one). This covers the instance that stopped between the choice and the connection. Other requests are not
 * retried: the first instance may have acted on them.
 *
 * <p>Thread-safe, as the two clients it combines are; it owns neither.
 */
public final class DiscoveryHttpClient {

    private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE");
    /** Picks before giving up on finding another instance than the one that failed. */
    private static final int OTHER_INSTANCE_PICKS = 4;

    private final DiscoveryClient discovery;
    private final HttpClient http;

    private DiscoveryHttpClient(DiscoveryClient discovery, HttpClient http) {
        this.discovery = Objects.requireNonNull(discovery, "discovery");
        this.http = Objects.requireNonNull(http, "http");
    }

    /** A client choosing through {@code discovery} and sending with {@code http} (neither is closed by it). */
    public static DiscoveryHttpClient of(DiscoveryClient discovery, HttpClient http) {
        return new DiscoveryHttpClient(discovery, http);
    }

    /**
     * Sends {@code request} to an instance of the service its URI names and waits for the answer.
     *
     * @throws NoInstanceAvailableException if the service has no routable instance; nothing is sent
     * @throws IllegalArgumentException     if the URI is not {@code http} or {@code https} with a service name as
     *                                      host
     * @throws IOException                  as {@link HttpClient#send} does, after the retry if there was one
     * @throws InterruptedException         as {@link HttpClient#send} does
     */
    public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
            throws IOException, InterruptedException {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(handler, "handler");
        String service = serviceOf(request.uri());
        IOException failure;
        String failedId;
        Call first = discovery.begin(service);
        try {
            return sendTo(first, request, handler);
        } catch (IOException e) {
            if (!retriable(request, e)) {
                throw e;
            }
            failure = e;
            failedId = first.instance().id();
        } finally {
            first.close(); // before the retry: the failed instance is no longer in flight while it runs
        }
        Call retry = beginOther(service, failedId);
        if (retry == null) {
            throw failure;
        }
        try (retry) {
            return sendTo(retry, request, handler);
        } catch (IOException | RuntimeException again) {
            again.addSuppressed(failure);
            throw again;
        }
    }

    /** Sends to the call's instance and records the outcome; the caller closes the call. */
    private <T> HttpResponse<T> sendTo(Call call, HttpRequest request, HttpResponse.BodyHandler<T> handler)
            throws IOException, InterruptedException {
        HttpRequest routed = HttpRequest.newBuilder(request, (name, value) -> true)
                .uri(target(request.uri(), call.instance()))
                .build();
        try {
            HttpResponse<T> response = http.send(routed, handler);
            if (response.statusCode() >= 500) {
                call.failed();
            }
            return response;
        } catch (IOException | RuntimeException e) {
            call.failed();
            throw e;
        }
    }

    /** A call to another instance than {@code failedId}, or null when the balancer offers no other. */
    private Call beginOther(String service, String failedId) {
        for (int i = 0; i < OTHER_INSTANCE_PICKS; i++) {
            Call call;
            try {
                call = discovery.begin(service);
            } catch (NoInstanceAvailableException e) {
                return null;
            }
            if (!call.instance().id().equals(failedId)) {
                return call;
            }
            call.close();
        }
        return null;
    }

    private static boolean retriable(HttpRequest request, IOException e) {
        if (!IDEMPOTENT.contains(request.method())) {
            return false;
        }
        // A request timeout may have reached the server; a connect timeout did not.
        return e instanceof ConnectException || e instanceof HttpConnectTimeoutException
                || !(e instanceof HttpTimeoutException);
    }

    /** The service named by {@code uri}'s host. */
    static String serviceOf(URI uri) {
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
            throw new IllegalArgumentException("URI must be http://SERVICE/... or https://SERVICE/..., but was "
                    + uri);
        }
        String host = uri.getHost();
        if (host == null) {
            throw new IllegalArgumentException("URI must name a service as its host (http://orders/path), but was "
                    + uri);
        }
        return ServiceInstance.checkServiceName(host);
    }

    /** {@code uri} with the instance's scheme, host and port. */
    static URI target(URI uri, ServiceInstance instance) {
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        URI base = scheme.equals("https") ? instance.uri(scheme, "https").orElseGet(() -> instance.uri(scheme))
                : instance.uri(scheme);
        // Raw parts: an encoded "%2F" in the path stays encoded.
        StringBuilder routed = new StringBuilder(scheme).append("://").append(base.getRawAuthority());
        if (uri.getRawPath() != null) {
            routed.append(uri.getRawPath());
        }
        if (uri.getRawQuery() != null) {
            routed.append('?').append(uri.getRawQuery());
        }
        if (uri.getRawFragment() != null) {
            routed.append('#').append(uri.getRawFragment());
        }
        return URI.create(routed.toString());
    }
}
