package dev.beacon.registry.redis.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Cluster: what one registry handle knows of the instances it registered or renewed — the ttl of each lease and until
 * when (this handle's monotonic clock) it nominated the instance's service in the services index. A renewal
 * nominates again only when less than two ttls of the nomination are left, so most renewals are one script call.
 * Entries whose nomination has lapsed are dropped now and then: an instance that died without being deregistered
 * through this handle is not remembered forever (a later renewal learns its ttl again). Thread-safe.
 */
final class Nominations {

    /** A nomination lasts this many ttls: renewals come at least once per ttl, so it never lapses before the lease. */
    static final long TTLS = 3;
    private static final long PRUNE_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    private record Nomination(long ttlMillis, long untilNanos) {
    }

    private final LongSupplier nanoTime;
    private final Map<String, Nomination> byInstance = new ConcurrentHashMap<>();
    private volatile long prunedAt;

    Nominations(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        this.prunedAt = nanoTime.getAsLong();
    }

    /** The ttl known for {@code instance}, or -1 when this handle does not know it. */
    long ttl(String instance) {
        Nomination known = byInstance.get(instance);
        return known == null ? -1 : known.ttlMillis();
    }

    /** Whether a renewal of {@code instance} (whose ttl is known) must nominate its service again. */
    boolean due(String instance) {
        Nomination known = byInstance.get(instance);
        return known == null || known.untilNanos() - nanoTime.getAsLong()
                < TimeUnit.MILLISECONDS.toNanos(2 * known.ttlMillis());
    }

    /** The service of {@code instance}, whose lease is {@code ttlMillis}, was nominated for that many ttls now. */
    void nominated(String instance, long ttlMillis, long nominatedForMillis) {
        long now = nanoTime.getAsLong();
        byInstance.put(instance, new Nomination(ttlMillis, now + TimeUnit.MILLISECONDS.toNanos(nominatedForMillis)));
        pruneNowAndThen(now);
    }

    /** A renewal without nomination reported the lease's ttl (which another handle's registration may change). */
    void renewed(String instance, long ttlMillis) {
        byInstance.computeIfPresent(instance, (key, known) -> new Nomination(ttlMillis, known.untilNanos()));
    }

    void forget(String instance) {
        byInstance.remove(instance);
    }

    int size() {
        return byInstance.size();
    }

    private void pruneNowAndThen(long now) {
        if (now - prunedAt >= PRUNE_INTERVAL_NANOS) {
            prunedAt = now;
            // removes only entries still holding the lapsed value, not one a racing nomination just replaced
            byInstance.values().removeIf(known -> known.untilNanos() - now < 0);
        }
    }
}
