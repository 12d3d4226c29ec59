package dev.beacon.balance;

import dev.beacon.balance.internal.Rotation;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Round robin with one counter per balancer instance, so per service (the seed shared one counter between all
 * services, so each service saw a skipping rotation). Call {@code i} of this instance gets
 * {@code endpoints[i mod size]}, the counter read as unsigned 64 bits (see {@link Rotation}): exact rotation, never a
 * negative index. Thread-safe: one atomic increment per call, no lock, no allocation; concurrent callers each get a
 * distinct counter value, so over any number of calls that is a multiple of the size every endpoint is chosen equally
 * often while the list is unchanged.
 */
final class RoundRobinBalancer implements LoadBalancer {

    private final AtomicLong counter;

    RoundRobinBalancer() {
        this(0);
    }

    /** Starts the counter at {@code initial} (tests seed it near the wrap). */
    RoundRobinBalancer(long initial) {
        this.counter = new AtomicLong(initial);
    }

    @Override
    public Endpoint choose(List<Endpoint> endpoints, String key) {
        int size = endpoints.size();
        if (size == 1) {
            return endpoints.get(0);
        }
        return endpoints.get(Rotation.index(counter.getAndIncrement(), size));
    }

    @Override
    public String toString() {
        return "roundRobin";
    }
}
