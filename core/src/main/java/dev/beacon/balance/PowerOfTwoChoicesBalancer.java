package dev.beacon.balance;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The power of two choices (Mitzenmacher): picks two distinct endpoints uniformly at random and takes the one of
 * lower cost, where
 * <pre>
 *   cost = (max(inFlight, 0) + 1) × max(latencyNanos, 1)
 * </pre>
 * with {@code latencyNanos} the endpoint's latency EWMA ({@link Endpoint#latencyNanos()}). An endpoint without a
 * latency sample yet borrows the other one's, so the two are then compared by in-flight calls alone: a new instance
 * is neither flooded (as an optimistic default of zero would do) nor starved (as a pessimistic one would). On equal
 * cost the first random pick wins. The most loaded endpoint is never chosen while another has a lower cost, and
 * each choice looks at two endpoints only, whatever the list size.
 *
 * <p>Thread-safe: {@link ThreadLocalRandom}, no shared state, no lock, no allocation.
 */
final class PowerOfTwoChoicesBalancer implements LoadBalancer {

    @Override
    public Endpoint choose(List<Endpoint> endpoints, String key) {
        int size = endpoints.size();
        if (size == 1) {
            return endpoints.get(0);
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int i = random.nextInt(size);
        int j = random.nextInt(size - 1);
        if (j >= i) {
            j++;
        }
        Endpoint a = endpoints.get(i);
        Endpoint b = endpoints.get(j);
        double latencyA = a.latencyNanos();
        double latencyB = b.latencyNanos();
        if (latencyA == 0) {
            latencyA = latencyB;
        }
        if (latencyB == 0) {
            latencyB = latencyA;
        }
        return cost(b, latencyB) < cost(a, latencyA) ? b : a;
    }

    static double cost(Endpoint endpoint, double latencyNanos) {
        return (Math.max(endpoint.inFlight(), 0) + 1.0) * Math.max(latencyNanos, 1.0);
    }

    @Override
    public String toString() {
        return "powerOfTwoChoices";
    }
}
