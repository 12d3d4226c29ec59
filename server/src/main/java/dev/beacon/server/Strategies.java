package dev.beacon.server;

import dev.beacon.balance.LoadBalancer;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The balancing strategies {@code GET /services/{name}/instance?strategy=} accepts by default: the built-in balancers
 * by their names ({@link LoadBalancer#NAMES}); {@link BeaconServer.Builder#strategy} adds or replaces any name. The
 * server makes no calls to instances itself, so {@code least-in-flight} and {@code p2c} see no call statistics here.
 */
final class Strategies {

    static final String DEFAULT = "round-robin";

    private Strategies() {
    }

    static Map<String, Supplier<LoadBalancer>> defaults() {
        Map<String, Supplier<LoadBalancer>> strategies = new LinkedHashMap<>();
        for (String name : LoadBalancer.NAMES) {
            strategies.put(name, () -> LoadBalancer.named(name));
        }
        return strategies;
    }
}
