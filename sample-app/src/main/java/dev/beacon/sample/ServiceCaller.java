package dev.beacon.sample;

import dev.beacon.DiscoveryException;
import dev.beacon.ServiceInstance;
import dev.beacon.client.DiscoveryClient;
import dev.beacon.client.NoInstanceAvailableException;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Looks services up and calls them through Beacon's {@link DiscoveryClient}: the way an application uses the core
 * library. {@link DiscoveryClient#call} picks a routable instance (UP, not ejected; round robin by default), runs the
 * request, and records its outcome: a call that throws counts as a failure, and an instance that fails five times in
 * a row is left out for a while. Lookups read the client's snapshot, which the registry's events keep current.
 * Thread-safe. Does not own the client: whoever built it closes it.
 */
final class ServiceCaller {

    private final DiscoveryClient client;
    private final Duration timeout;
    private final HttpClient http;

    /** {@code timeout} bounds both connecting to an instance and waiting for its answer. */
    ServiceCaller(DiscoveryClient client, Duration timeout) {
        this.client = Objects.requireNonNull(client, "client");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .build();
    }

    /**
     * Every instance of {@code service} the registry lists, in any status, ordered by id.
     *
     * @throws IllegalArgumentException if {@code service} is not a valid service name
     */
    List<ServiceInstance> instances(String service) {
        return client.view(service).known();
    }

    /**
     * Calls {@code /} on an instance of {@code service} that the client chooses.
     *
     * @return the instance's answer followed by {@code (via host:port)}
     * @throws IllegalArgumentException      if {@code service} is not a valid service name
     * @throws NoInstanceAvailableException  if no instance is routable
     * @throws DiscoveryException            saying why when the call fails or answers other than 200
     */
    String call(String service) {
        return client.call(service, instance -> get(service, instance));
    }

    private String get(String service, ServiceInstance target) {
        String where = service + " at " + target.address();
        URI uri = target.uri("http").resolve("/");
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).GET().build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new DiscoveryException(where + " answered HTTP " + response.statusCode() + ": "
                        + abbreviate(response.body()));
            }
            return response.body() + " (via " + target.address() + ")";
        } catch (IOException e) {
            throw new DiscoveryException("calling " + where + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DiscoveryException("calling " + where + " was interrupted", e);
        }
    }

    private static String abbreviate(String text) {
        String line = text.strip().replaceAll("\\s+", " ");
        return line.length() > 200 ? line.substring(0, 200) + "…" : line;
    }
}
