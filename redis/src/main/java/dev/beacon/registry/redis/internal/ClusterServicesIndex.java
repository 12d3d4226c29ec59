package dev.beacon.registry.redis.internal;

import dev.beacon.RegistryUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Cluster: the services index lives in another slot than most services, so no script can update both. A write goes
 * out in one pipeline with a nomination of its service in the index (one round trip, to the two nodes in parallel),
 * timed by the index node's clock: the index only nominates candidates, and {@link #services()} confirms each against
 * the service's own, server-timed leases (one more pipelined round trip). A deregistration leaves the nomination to
 * lapse; the confirmation hides it meanwhile.
 */
final class ClusterServicesIndex extends ServicesIndex {

    private static final Logger log = LoggerFactory.getLogger(ClusterServicesIndex.class);

    private final Nominations nominations;

    ClusterServicesIndex(RedisConnection connection, RedisKeys keys, EntryCodec codec) {
        super(connection, keys, codec);
        this.nominations = new Nominations(System::nanoTime);
    }

    @Override
    public void register(ServiceKeys service, String id, String entry, long ttlMillis) {
        long nominatedFor = Nominations.TTLS * ttlMillis;
        // the registration's reply decides; a failed nomination shows as a missing service until the next one
        var unused = connection.pipelined(operation("register", service, id), List.of(
                ScriptCall.register(service, id, entry, ttlMillis),
                ScriptCall.nominate(keys.index(), service.service(), nominatedFor))).get(0).get(); // throws its error
        nominations.nominated(instance(service, id), ttlMillis, nominatedFor);
    }

    @Override
    public boolean renew(ServiceKeys service, String id) {
        String instance = instance(service, id);
        String operation = operation("renew", service, id);
        long knownTtl = nominations.ttl(instance);
        if (knownTtl > 0 && nominations.due(instance)) {
            // about once per ttl: renew and nominate again in one round trip
            long nominatedFor = Nominations.TTLS * knownTtl;
            long ttl = renewedTtl(connection.pipelined(operation, List.of(ScriptCall.renew(service, id),
                    ScriptCall.nominate(keys.index(), service.service(), nominatedFor))).get(0).get());
            if (ttl > 0) {
                nominations.nominated(instance, ttl, nominatedFor);
            } else {
                nominations.forget(instance);
            }
            return ttl > 0;
        }
        long ttl = renewedTtl(connection.run(operation, ScriptCall.renew(service, id)));
        if (ttl <= 0) {
            nominations.forget(instance);
            return false;
        }
        if (knownTtl > 0) {
            nominations.renewed(instance, ttl);
        } else {
            // registered through another handle: nominate for as long as the ttl this renewal reported asks
            nominate(operation, service, instance, ttl);
        }
        return true;
    }

    private void nominate(String operation, ServiceKeys service, String instance, long ttl) {
        long nominatedFor = Nominations.TTLS * ttl;
        try {
            connection.run(operation, ScriptCall.nominate(keys.index(), service.service(), nominatedFor));
            nominations.nominated(instance, ttl, nominatedFor);
        } catch (RegistryUnavailableException e) {
            // the lease was extended, which is what the caller asked; the next renewal nominates again
            log.debug("registry {}: nominating {} in the services index failed", connection, service.service(), e);
        }
    }

    @Override
    public boolean deregister(ServiceKeys service, String id) {
        nominations.forget(instance(service, id));
        return Long.valueOf(1).equals(connection.run(operation("deregister", service, id),
                ScriptCall.deregister(service, id)));
    }

    @Override
    public Set<String> services() {
        Set<String> candidates = indexed();
        if (candidates.isEmpty()) {
            return Collections.unmodifiableSet(candidates);
        }
        List<String> names = new ArrayList<>(candidates);
        List<ScriptCall> counts = new ArrayList<>(names.size());
        for (String name : names) {
            counts.add(ScriptCall.liveCount(keys.of(name)));
        }
        List<Supplier<Object>> replies = connection.pipelined("list services", counts);
        Set<String> live = new TreeSet<>();
        for (int i = 0; i < names.size(); i++) {
            try {
                if (replies.get(i).get() instanceof Long count && count > 0) {
                    live.add(names.get(i));
                }
            } catch (RegistryUnavailableException e) {
                codec.skipCandidate(names.get(i), e);
            }
        }
        return Collections.unmodifiableSet(live);
    }

    private static String instance(ServiceKeys service, String id) {
        return service.service() + "/" + id;
    }
}
