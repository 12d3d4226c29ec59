package dev.beacon.balance;

import dev.beacon.balance.internal.Hashing;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Consistent hashing on the caller's key over a ring of virtual nodes (Karger et al.; Ketama's layout). Each
 * endpoint owns {@value #VNODES_PER_WEIGHT} × {@link Endpoint#weight()} points on a 64-bit ring (at least one),
 * placed by hashing its instance id, so the points of an instance depend on nothing but its id and weight; a key
 * goes to the owner of the first point at or after the key's hash, wrapping around. Hence:
 * <ul>
 *   <li>the same key goes to the same endpoint while the list is unchanged;</li>
 *   <li>when an endpoint leaves, only the keys it owned move (about 1/n of them, spread over the others), and when
 *       one joins it takes only keys from the others; a weight change moves keys to or from that endpoint only
 *       (all three while the ring stays below {@value #MAX_RING} points; beyond that every count is scaled down
 *       alike, so a change there also moves a few keys between the others);</li>
 *   <li>each endpoint's expected share of keys is proportional to its weight; the ring's layout makes the actual
 *       share deviate by about 8 % of it at weight 1 (one standard deviation, 1/√160).</li>
 * </ul>
 * A {@code null} key is balanced uniformly at random. Hashes are {@link Hashing#hash64} (MurmurHash3-style, fast,
 * not cryptographic).
 *
 * <p>The ring (a sorted {@code long[]}, 8 bytes per point, plus an {@code int[]} index of one entry per four to
 * eight points: 1.4 MB for 1,000 endpoints of weight 1) is built once per endpoint list identity, by the first caller that
 * sees the list, and published through a volatile field. A call is one hash of the key, one index read (the top bits
 * of the hash pick the few points that can follow it) and a binary search among those few: thread-safe, no lock, no
 * allocation.
 */
final class ConsistentHashBalancer implements LoadBalancer {

    static final int VNODES_PER_WEIGHT = 160;
    static final int MAX_RING = 1 << 18;

    /** Ring entries keep the endpoint's index in their low bits; the high bits are the point's position. */
    private static final int INDEX_BITS = 20;
    static final long INDEX_MASK = (1L << INDEX_BITS) - 1;
    private static final long ID_SEED = 0x5be0cd19137e2179L;
    private static final long KEY_SEED = 0x1f83d9abfb41bd6bL;
    private static final long GOLDEN = 0x9e3779b97f4a7c15L;

    private volatile Ring ring = Ring.EMPTY;

    @Override
    public Endpoint choose(List<Endpoint> endpoints, String key) {
        int size = endpoints.size();
        if (size == 1) {
            return endpoints.get(0);
        }
        if (key == null) {
            return endpoints.get(ThreadLocalRandom.current().nextInt(size));
        }
        Ring current = ring;
        if (current.source != endpoints) {
            current = Ring.of(endpoints);
            ring = current;
        }
        return endpoints.get(current.owner(Hashing.hash64(key, KEY_SEED)));
    }

    /** Points of one endpoint of {@code weight} on a ring scaled by {@code scale}. */
    static int vnodes(double weight, double scale) {
        return (int) Math.max(1, Math.round(VNODES_PER_WEIGHT * weight * scale));
    }

    @Override
    public String toString() {
        return "consistentHash";
    }

    /**
     * @param points sorted; high bits the position, low bits the endpoint index
     * @param starts {@code starts[b]} is the first point in bucket {@code b} or later; one more entry than buckets
     * @param shift  {@code 64 - log2(buckets)}
     */
    record Ring(List<Endpoint> source, long[] points, int[] starts, int shift) {

        /** Matches no list, so the first call builds a ring. */
        static final Ring EMPTY = new Ring(null, new long[0], new int[0], 0);

        static Ring of(List<Endpoint> endpoints) {
            int n = endpoints.size();
            if (n > INDEX_MASK + 1) {
                throw new IllegalArgumentException("consistent hashing supports at most " + (INDEX_MASK + 1)
                        + " endpoints, but was given " + n);
            }
            double totalWeight = 0;
            for (Endpoint endpoint : endpoints) {
                totalWeight += endpoint.weight();
            }
            double scale = Math.min(1, MAX_RING / (VNODES_PER_WEIGHT * totalWeight));
            int total = 0;
            for (Endpoint endpoint : endpoints) {
                total += vnodes(endpoint.weight(), scale);
            }
            long[] points = new long[total];
            int p = 0;
            for (int i = 0; i < n; i++) {
                Endpoint endpoint = endpoints.get(i);
                long idHash = Hashing.hash64(endpoint.instance().id(), ID_SEED);
                for (int k = 0, count = vnodes(endpoint.weight(), scale); k < count; k++) {
                    long position = Hashing.fmix64(idHash + (k + 1) * GOLDEN);
                    points[p++] = (position & ~INDEX_MASK) | i;
                }
            }
            Arrays.sort(points);
            // Four to eight points per bucket, at least two buckets (a shift of 64 would be a shift of 0 in Java).
            int bits = Math.max(1, 31 - Integer.numberOfLeadingZeros(total) - 2);
            int shift = 64 - bits;
            int[] starts = new int[(1 << bits) + 1];
            int at = 0;
            for (int bucket = 0; bucket < starts.length; bucket++) {
                while (at < total && bucket(points[at], shift) < bucket) {
                    at++;
                }
                starts[bucket] = at;
            }
            return new Ring(endpoints, points, starts, shift);
        }

        /** The bucket of a point or hash: its top bits, in the same (signed) order as the sorted points. */
        static int bucket(long position, int shift) {
            return (int) ((position ^ Long.MIN_VALUE) >>> shift);
        }

        /** The index of the endpoint owning {@code hash}: the first point at or after it, wrapping around. */
        int owner(long hash) {
            long target = hash & ~INDEX_MASK;
            int bucket = bucket(target, shift);
            // Points before starts[bucket] are below the target, points from starts[bucket + 1] on are above it.
            int at = Arrays.binarySearch(points, starts[bucket], starts[bucket + 1], target);
            if (at < 0) {
                at = -at - 1;
                if (at == points.length) {
                    at = 0;
                }
            }
            return (int) (points[at] & INDEX_MASK);
        }
    }
}
