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
}
