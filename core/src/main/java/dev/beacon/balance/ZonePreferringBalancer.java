package dev.beacon.balance;

import dev.beacon.Status;
import dev.beacon.balance.internal.ZonePreference;

import java.util.List;
import java.util.Objects;

/**
 * Restricts another balancer to the endpoints in the local zone (metadata {@code zone} equal to the local zone)
 * while at least one of them is {@code UP}, and hands it all endpoints otherwise, so a zone without instances, or
 * with none UP, fails over to the others instead of failing: the rule of {@link ZonePreference}, which the discovery
 * client's {@code localZone} follows too. The filtered list is computed once per endpoint list identity and passed
 * to the delegate as the same object on every call (so the delegate's own per-list caches keep working); when every
 * endpoint is local, or none of the local ones is UP, the delegate gets the original list.
 *
 * <p>Thread-safe if the delegate is; no lock; no allocation per call while the list is unchanged.
 */
final class ZonePreferringBalancer implements LoadBalancer {

    private final String localZone;
    private final LoadBalancer delegate;
    private volatile Preferred preferred = new Preferred(null, List.of());

    ZonePreferringBalancer(String localZone, LoadBalancer delegate) {
        this.localZone = Objects.requireNonNull(localZone, "localZone must not be null");
        this.delegate = Objects.requireNonNull(delegate, "delegate must not be null");
    }

    @Override
    public Endpoint choose(List<Endpoint> endpoints, String key) {
        Preferred current = preferred;
        if (current.source != endpoints) {
            current = new Preferred(endpoints, ZonePreference.preferLocal(endpoints, localZone, Endpoint::instance,
                    endpoint -> endpoint.instance().status() == Status.UP));
            preferred = current;
        }
        return delegate.choose(current.endpoints, key);
    }

    @Override
    public String toString() {
        return "zonePreferring(" + localZone + ", " + delegate + ")";
    }

    private record Preferred(List<Endpoint> source, List<Endpoint> endpoints) {
    }
}
