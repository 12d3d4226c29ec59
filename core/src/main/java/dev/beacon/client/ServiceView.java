package dev.beacon.client;

import dev.beacon.ServiceInstance;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * What a {@link DiscoveryClient} knows of one service right now, for observability.
 *
 * @param service   the service
 * @param known     every instance the registry listed (before filters), sorted by id
 * @param routable  the instances {@code choose()} picks from now
 * @param age       how old the snapshot is: time since the registry last confirmed it (by a read or a pushed event)
 * @param stale     true while the registry cannot be reached: the client serves its last known good snapshot
 * @param panic     true when fewer than the protection threshold of the candidates are healthy, so the client
 *                  balances over all candidates, healthy or not
 * @param ejected   ids of instances ejected for consecutive failures
 */
public record ServiceView(String service, List<ServiceInstance> known, List<ServiceInstance> routable, Duration age,
                          boolean stale, boolean panic, Set<String> ejected) {

    public ServiceView {
        known = List.copyOf(known);
        routable = List.copyOf(routable);
        ejected = Set.copyOf(ejected);
    }
}
