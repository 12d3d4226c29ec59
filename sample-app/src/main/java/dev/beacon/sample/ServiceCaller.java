package dev.beacon.sample;

import dev.beacon.DiscoveryException;
import dev.beacon.ServiceInstance;
import dev.beacon.Status;
import dev.beacon.registry.ServiceRegistry;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Looks services up in a registry through Beacon's core library and calls one of their {@link Status#UP} instances
 * over HTTP, round robin per service. A stand-in for the real balancer and client that come later. Thread-safe; reads
 * are as fresh as the registry's. Does not own the registry: whoever opened it closes it.
 */
final class ServiceCaller {

    private final ServiceRegistry registry;
    private final Duration timeout;
    private final HttpClient client;
    private final Map<String, AtomicInteger> nextIndex = new ConcurrentHashMap<>();

    /** {@code timeout} bounds both connecting to an instance and waiting for its answer. */
    ServiceCaller(ServiceRegistry registry, Duration timeout) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .build();
    }

    /**
     * The live instances of {@code service} in any status, ordered by id.
     *
     * @throws IllegalArgumentException if {@code service} is not a valid service name
     * @throws DiscoveryException       if the registry cannot be read
     */
    List<ServiceInstance> instances(String service) {
        return registry.instances(service);
    }

    /**
     * Calls {@code /} on the next UP instance of {@code service}.
     *
     * @return the instance's answer followed by {@code (via host:port)}
     * @throws IllegalArgumentException if {@code service} is not a valid service name
     * @throws DiscoveryException       saying why when no instance is UP, the registry cannot be read, or the call
     *                                  fails or answers other than 200
     */
    String call(String service) {
        List<ServiceInstance> up = instances(service).stream().filter(i -> i.status() == Status.UP).toList();
        if (up.isEmpty()) {
            throw new DiscoveryException("no UP instance of '" + service + "' is registered in " + registry);
        }
        int index = nextIndex.computeIfAbsent(service, s -> new AtomicInteger()).getAndIncrement();
        ServiceInstance target = up.get(Math.floorMod(index, up.size()));
        String where = service + " at " + target.address();
        // A zone id in an IPv6 literal must be escaped in a URI.
        URI uri = URI.create("http://" + target.address().replace("%", "%25") + "/");
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).GET().build();
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
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
