package dev.beacon.springcloud;

import dev.beacon.client.DiscoveryClient;
import dev.beacon.client.ServiceView;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What the health indicator of either Spring Boot line reports: whether the registry answers (one read of its
 * service names), and per service the client watches how old and whether stale its view is, and how many instances
 * are routable. Thread-safe.
 */
public final class BeaconHealth {

    /** Up or down, and the details to show. */
    public record Report(boolean up, Map<String, Object> details) {
        public Report {
            details = Map.copyOf(details);
        }
    }

    private final DiscoveryClient client;
    private final String registry;

    public BeaconHealth(DiscoveryClient client, String maskedRegistry) {
        this.client = Objects.requireNonNull(client, "client");
        this.registry = Objects.requireNonNull(maskedRegistry, "maskedRegistry");
    }

    /** Reads the registry once; never throws. */
    public Report check() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("registry", registry);
        boolean reachable;
        try {
            client.registry().services();
            reachable = true;
        } catch (RuntimeException e) {
            reachable = false;
            details.put("error", e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        details.put("reachable", reachable);
        Map<String, Object> services = new LinkedHashMap<>();
        for (Map.Entry<String, ServiceView> entry : client.views().entrySet()) {
            ServiceView view = entry.getValue();
            services.put(entry.getKey(), Map.of("routable", view.routable().size(), "known", view.known().size(),
                    "ageMillis", view.age().toMillis(), "stale", view.stale(), "panic", view.panic()));
        }
        details.put("services", services);
        return new Report(reachable, details);
    }
}
