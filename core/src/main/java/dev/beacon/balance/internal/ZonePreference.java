package dev.beacon.balance.internal;

import dev.beacon.ServiceInstance;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The one rule of zone preference, used by {@code LoadBalancer.zonePreferring} and by the discovery client's
 * {@code localZone}: the items of the local zone (instance metadata {@value #ZONE_KEY}) while at least one of them is
 * healthy, otherwise all items. A local zone whose instances are all down or ejected therefore fails over to the
 * other zones instead of taking traffic it cannot serve, as Envoy's zone-aware routing does. Stateless; thread-safe.
 */
public final class ZonePreference {

    /** The metadata key that names an instance's zone. */
    public static final String ZONE_KEY = "zone";

    private ZonePreference() {
    }

    /**
     * The items to balance over.
     *
     * @param items    the candidates, in order
     * @param zone     the local zone
     * @param instance the instance of an item
     * @param healthy  whether an item can take traffic
     * @return {@code items} itself when none of the local items is healthy or every item is local (so callers that
     *         cache by list identity keep their cache), else an immutable list of the local items in their order
     */
    public static <T> List<T> preferLocal(List<T> items, String zone, Function<? super T, ServiceInstance> instance,
                                          Predicate<? super T> healthy) {
        List<T> local = new ArrayList<>();
        boolean anyHealthy = false;
        for (T item : items) {
            if (zone.equals(instance.apply(item).metadata().get(ZONE_KEY))) {
                local.add(item);
                anyHealthy |= healthy.test(item);
            }
        }
        return !anyHealthy || local.size() == items.size() ? items : List.copyOf(local);
    }
}
