package dev.beacon.balance;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Restricts another balancer to the endpoints in the local zone (metadata {@value #ZONE_KEY} equal to the local
 * zone), and hands it all endpoints when none is in the zone, so a zone without instances fails over to the others
 * instead of failing. The filtered list is computed once per endpoint list identity and passed to the delegate as the
 * same object on every call (so the delegate's own per-list caches keep working); when all or none of the endpoints
 * are local the delegate gets the original list.
 *
 * <p>Thread-safe if the delegate is; no lock; no allocation per call while the list is unchanged.
 */
final class ZonePreferringBalancer implements LoadBalancer {

    static final String ZONE_KEY = "zone";

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
            current = new Preferred(endpoints, local(endpoints));
            preferred = current;
        }
        return delegate.choose(current.endpoints, key);
    }

    private List<Endpoint> local(List<Endpoint> endpoints) {
        List<Endpoint> local = new ArrayList<>();
        for (Endpoint endpoint : endpoints) {
            if (localZone.equals(endpoint.instance().metadata().get(ZONE_KEY))) {
                local.add(endpoint);
            }
        }
        return local.isEmpty() || local.size() == endpoints.size() ? endpoints : List.copyOf(local);
    }

    @Override
    public String toString() {
        return "zonePreferring(" + localZone + ", " + delegate + ")";
    }

    private record Preferred(List<Endpoint> source, List<Endpoint> endpoints) {
    }
}
