package dev.beacon.http;

import dev.beacon.balance.Endpoint;
import dev.beacon.balance.LoadBalancer;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The balancing strategies {@code GET /services/{name}/instance?strategy=} accepts by default, by name. This is the
 * one place that maps names to balancers: {@code round-robin} becomes {@code LoadBalancer::roundRobin} and
 * {@code random} {@code LoadBalancer::random} once {@code dev.beacon.balance} has its factories, which also bring
 * {@code weighted} ({@code weightedRoundRobin}), {@code least-in-flight} ({@code leastInFlight}), {@code p2c}
 * ({@code powerOfTwoChoices}) and {@code consistent-hash} ({@code consistentHash}). Until then the two below stand
 * in, and {@link BeaconServer.Builder#strategy} adds or replaces any name.
 */
final class Strategies {

    static final String DEFAULT = "round-robin";

    private Strategies() {
    }

    static Map<String, Supplier<LoadBalancer>> defaults() {
        Map<String, Supplier<LoadBalancer>> strategies = new LinkedHashMap<>();
        strategies.put("round-robin", RoundRobin::new);
        strategies.put("random", () -> (endpoints, key) ->
                endpoints.get(ThreadLocalRandom.current().nextInt(endpoints.size())));
        return strategies;
    }

    private static final class RoundRobin implements LoadBalancer {
        private final AtomicInteger next = new AtomicInteger();

        @Override
        public Endpoint choose(List<Endpoint> endpoints, String key) {
            return endpoints.get(Math.floorMod(next.getAndIncrement(), endpoints.size()));
        }
    }
}
