package dev.beacon.balance;

import java.util.List;

/**
 * Picks one endpoint of a service for a call. A balancer instance serves ONE service (the discovery client creates
 * one per service from a {@code Supplier<LoadBalancer>}), so per-service state such as a round-robin position is
 * simply a field. Implementations are thread-safe, take no lock on the hot path and do not allocate per call except
 * where they must (rebuilding their state when the endpoint list changes).
 *
 * <p>The endpoint list of one snapshot is the same {@code List} object on every call until the service's membership
 * or weights change, so balancers may cache derived state (a hash ring, weights) keyed by list identity.
 *
 * <p>The built-ins come from the static factories below; each call returns a new instance with its own state, so
 * give each service its own ({@code LoadBalancer::roundRobin} is a fine {@code Supplier<LoadBalancer>}). All of
 * them are thread-safe, take no lock and allocate nothing per call; those with per-list state (weighted round robin,
 * consistent hashing, zone preference) rebuild it on the first call that sees a new list.
 */
@FunctionalInterface
public interface LoadBalancer {

    /**
     * Chooses one of {@code endpoints}.
     *
     * @param endpoints never empty; immutable; the same object while the snapshot is unchanged
     * @param key       the caller's key for consistent hashing (for example a user id), or {@code null}; balancers
     *                  that do not hash ignore it
     * @return one of {@code endpoints}, never null
     */
    Endpoint choose(List<Endpoint> endpoints, String key);

    /** The names of the built-in balancers, as the command line and the HTTP API take them ({@code strategy=}). */
    java.util.List<String> NAMES = java.util.List.of("round-robin", "random", "weighted", "least-in-flight", "p2c",
            "consistent-hash");

    /**
     * A new built-in balancer by name: {@code round-robin}, {@code random}, {@code weighted} (smooth weighted round
     * robin), {@code least-in-flight}, {@code p2c} (power of two choices), {@code consistent-hash}.
     *
     * @throws IllegalArgumentException naming the bad value and the valid ones
     */
    static LoadBalancer named(String name) {
        String key = name == null ? "" : name.trim().toLowerCase(java.util.Locale.ROOT);
        switch (key) {
            case "round-robin":
                return roundRobin();
            case "random":
                return random();
            case "weighted":
                return weightedRoundRobin();
            case "least-in-flight":
                return leastInFlight();
            case "p2c":
                return powerOfTwoChoices();
            case "consistent-hash":
                return consistentHash();
            default:
                throw new IllegalArgumentException("strategy must be one of " + String.join(", ", NAMES)
                        + ", but was '" + name + "'");
        }
    }

    /**
     * Round robin over the list in order, with this instance's own counter (an unsigned 64-bit count that passes
     * {@code Long.MAX_VALUE} without a jump): {@code n} consecutive calls on an unchanged list of {@code n} choose
     * each endpoint exactly once, from any number of threads. Ignores weights, load and the key.
     */
    static LoadBalancer roundRobin() {
        return new RoundRobinBalancer();
    }

    /** Uniformly random, from {@link java.util.concurrent.ThreadLocalRandom}. Ignores weights, load and the key. */
    static LoadBalancer random() {
        return new RandomBalancer();
    }

    /**
     * Smooth weighted round robin (nginx's algorithm) over {@link Endpoint#weight()}: over one cycle each endpoint is
     * chosen in proportion to its weight, and its turns are spread out rather than bunched (5:1:1 gives
     * {@code a a b a c a a}). Fractional weights are resolved to at best 1/1000 of the largest weight, more coarsely
     * for hundreds of endpoints; the cycle is precomputed once per list.
     */
    static LoadBalancer weightedRoundRobin() {
        return new SmoothWeightedRoundRobinBalancer();
    }

    /**
     * The endpoint with the fewest calls in flight ({@link Endpoint#inFlight()}), rotating among those tied for the
     * minimum. Reads every endpoint's counter: O(n) per call.
     */
    static LoadBalancer leastInFlight() {
        return new LeastInFlightBalancer();
    }

    /**
     * The power of two choices: of two distinct endpoints picked at random, the one with the lower
     * {@code (inFlight + 1) × latencyEwmaNanos}; an endpoint without a latency sample yet is compared on in-flight
     * calls alone. O(1) per call.
     */
    static LoadBalancer powerOfTwoChoices() {
        return new PowerOfTwoChoicesBalancer();
    }

    /**
     * Consistent hashing of the caller's {@code key} over a ring of 160 virtual nodes per unit of weight, placed by
     * instance id: a key keeps its endpoint while the list is unchanged, and when one of {@code n} endpoints leaves
     * only its own keys (about 1/n) move. A {@code null} key is balanced at random.
     */
    static LoadBalancer consistentHash() {
        return new ConsistentHashBalancer();
    }

    /**
     * Passes {@code delegate} only the endpoints whose instance metadata {@code zone} equals {@code localZone} while
     * at least one of them is {@code UP}, or all endpoints when none in that zone is (the rule of the discovery
     * client's {@code localZone} too). The delegate must be a balancer of its own (not shared with another service);
     * it sees the same filtered list object while the snapshot is unchanged.
     *
     * @throws NullPointerException if {@code localZone} or {@code delegate} is null
     */
    static LoadBalancer zonePreferring(String localZone, LoadBalancer delegate) {
        return new ZonePreferringBalancer(localZone, delegate);
    }
}
