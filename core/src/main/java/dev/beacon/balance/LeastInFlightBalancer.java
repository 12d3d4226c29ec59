package dev.beacon.balance;

import dev.beacon.balance.internal.Rotation;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Chooses an endpoint with the fewest calls in flight ({@link Endpoint#inFlight()}); among several with that
 * minimum it rotates (the seed always returned the first of them, so with idle instances every call went to the
 * first one). Two passes over the list: the first finds the minimum and how many endpoints share it, the second
 * takes the {@code k}-th of them, {@code k} from a per-instance counter that advances only on ties. While the
 * in-flight counts stand still, {@code m} consecutive calls with {@code m} tied endpoints choose each of them once.
 * Counts that change between the passes (other threads' calls) can only make it settle for the first minimum seen,
 * which is still a least-loaded choice at the time it was read.
 *
 * <p>Thread-safe; no lock, no allocation; O(n) reads of the in-flight counters per call, which is the price of an
 * exact minimum ({@link PowerOfTwoChoicesBalancer} is O(1)).
 */
final class LeastInFlightBalancer implements LoadBalancer {

    private final AtomicLong ties = new AtomicLong();

    @Override
    public Endpoint choose(List<Endpoint> endpoints, String key) {
        int size = endpoints.size();
        if (size == 1) {
            return endpoints.get(0);
        }
        int min = Integer.MAX_VALUE;
        int count = 0;
        int first = 0;
        for (int i = 0; i < size; i++) {
            int inFlight = endpoints.get(i).inFlight();
            if (inFlight < min) {
                min = inFlight;
                count = 1;
                first = i;
            } else if (inFlight == min) {
                count++;
            }
        }
        if (count == 1) {
            return endpoints.get(first);
        }
        int wanted = Rotation.index(ties.getAndIncrement(), count);
        for (int i = first; i < size; i++) {
            Endpoint endpoint = endpoints.get(i);
            if (endpoint.inFlight() <= min && wanted-- == 0) {
                return endpoint;
            }
        }
        return endpoints.get(first);
    }

    @Override
    public String toString() {
        return "leastInFlight";
    }
}
