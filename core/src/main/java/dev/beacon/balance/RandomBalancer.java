package dev.beacon.balance;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Uniformly random choice from {@link ThreadLocalRandom}: stateless, thread-safe, no contention, no allocation.
 */
final class RandomBalancer implements LoadBalancer {

    @Override
    public Endpoint choose(List<Endpoint> endpoints, String key) {
        int size = endpoints.size();
        return size == 1 ? endpoints.get(0) : endpoints.get(ThreadLocalRandom.current().nextInt(size));
    }

    @Override
    public String toString() {
        return "random";
    }
}
