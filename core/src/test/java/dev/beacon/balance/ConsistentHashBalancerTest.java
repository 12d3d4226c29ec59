package dev.beacon.balance;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static dev.beacon.balance.TestEndpoints.endpoints;
import static dev.beacon.balance.TestEndpoints.weighted;
import static org.assertj.core.api.Assertions.assertThat;

class ConsistentHashBalancerTest {

    private static final int KEYS = 10_000;

    @Test
    void choose_sameKey_sameEndpointAcrossCallsInstancesAndListCopies() {
        List<Endpoint> list = endpoints(10);
        List<Endpoint> copy = List.copyOf(new ArrayList<>(list));
        LoadBalancer first = LoadBalancer.consistentHash();
        LoadBalancer second = LoadBalancer.consistentHash();

        for (int k = 0; k < KEYS; k++) {
            String key = "user-" + k;
            Endpoint chosen = first.choose(list, key);
            assertThat(first.choose(list, key)).isSameAs(chosen);
            assertThat(second.choose(copy, key)).isSameAs(chosen);
        }
    }

    /**
     * Removing one of {@code n} endpoints moves exactly the keys it owned, no other. Their number is about
     * {@code KEYS / n}: an endpoint's share of the ring has a relative standard deviation of about 1/√160 ≈ 7.9 %
     * (160 points each), and sampling 10,000 keys adds at most √(10,000 × 0.2 × 0.8) = 40 keys, 8 % of 500 at
     * n = 5 (smaller for larger n), so ≈ 11 % together; the bound allows 1.4 × KEYS / n, 3.5 standard deviations.
     * The layout is deterministic (hashes of fixed ids and keys), so this either always passes or always fails.
     */
    @ParameterizedTest
    @ValueSource(ints = {5, 10, 20})
    void choose_oneOfNEndpointsRemoved_onlyItsKeysMoveAboutOneNth(int n) {
        List<Endpoint> all = endpoints(n);
        Endpoint removed = all.get(n / 2);
        List<Endpoint> remaining = all.stream().filter(e -> e != removed).toList();
        LoadBalancer balancer = LoadBalancer.consistentHash();
        List<Endpoint> before = chooseAll(balancer, all);

        List<Endpoint> after = chooseAll(balancer, remaining);

        int moved = 0;
        for (int k = 0; k < KEYS; k++) {
            if (before.get(k) == removed) {
                moved++;
                assertThat(after.get(k)).isNotSameAs(removed);
            } else {
                assertThat(after.get(k)).as("key %d was not on the removed endpoint", k).isSameAs(before.get(k));
            }
        }
        assertThat(moved).isPositive().isLessThanOrEqualTo((int) (1.4 * KEYS / n));
    }

    @Test
    void choose_endpointAdded_onlyKeysMovingToItMove() {
        List<Endpoint> eleven = endpoints(11);
        List<Endpoint> ten = eleven.subList(0, 10);
        LoadBalancer balancer = LoadBalancer.consistentHash();
        List<Endpoint> before = chooseAll(balancer, ten);

        List<Endpoint> after = chooseAll(balancer, eleven);

        int moved = 0;
        for (int k = 0; k < KEYS; k++) {
            if (after.get(k) != before.get(k)) {
                moved++;
                assertThat(after.get(k)).isSameAs(eleven.get(10));
            }
        }
        assertThat(moved).isPositive().isLessThanOrEqualTo((int) (1.4 * KEYS / 11));
    }

    /**
     * Each endpoint's share is 1/n with a relative standard deviation of about 1/√160 ≈ 7.9 % (ring layout; the
     * sampling of 100,000 keys adds 1 %): the bound of ±30 % is nearly 4 standard deviations.
     */
    @Test
    void choose_manyKeys_eachEndpointGetsAboutOneNth() {
        List<Endpoint> list = endpoints(10);
        LoadBalancer balancer = LoadBalancer.consistentHash();
        int[] counts = new int[10];

        for (int k = 0; k < 100_000; k++) {
            counts[list.indexOf(balancer.choose(list, "session-" + k))]++;
        }

        assertThat(Arrays.stream(counts).boxed()).allSatisfy(c -> assertThat(c).isBetween(7_000, 13_000));
    }

    /** Shares 1/4, 1/4, 1/2; same deviation argument as above (the heavy one has 320 points): ±30 %. */
    @Test
    void choose_weightedEndpoints_sharesFollowWeights() {
        List<Endpoint> list = weighted(1, 1, 2);
        LoadBalancer balancer = LoadBalancer.consistentHash();
        int[] counts = new int[3];

        for (int k = 0; k < 100_000; k++) {
            counts[list.indexOf(balancer.choose(list, "session-" + k))]++;
        }

        assertThat(counts[0]).isBetween(17_500, 32_500);
        assertThat(counts[1]).isBetween(17_500, 32_500);
        assertThat(counts[2]).isBetween(35_000, 65_000);
    }

    @Test
    void choose_nullKey_spreadsOverAllEndpoints() {
        List<Endpoint> list = endpoints(10);
        LoadBalancer balancer = LoadBalancer.consistentHash();
        Set<Endpoint> seen = new HashSet<>();

        // Missing one of 10 in 1,000 uniform draws has probability 10 × 0.9^1000 ≈ 2e-45.
        for (int i = 0; i < 1_000; i++) {
            seen.add(balancer.choose(list, null));
        }

        assertThat(seen).hasSize(10);
    }

    @Test
    void vnodes_weightOneAndTiny_scaledAndAtLeastOne() {
        assertThat(ConsistentHashBalancer.vnodes(1.0, 1.0)).isEqualTo(160);
        assertThat(ConsistentHashBalancer.vnodes(2.5, 1.0)).isEqualTo(400);
        assertThat(ConsistentHashBalancer.vnodes(0.0001, 1.0)).isEqualTo(1);
    }

    /** The bucket index only narrows the search: the owner is still the first point at or after the hash. */
    @ParameterizedTest
    @ValueSource(ints = {2, 10, 1000})
    void ringOwner_randomHashes_sameAsLinearSearchOfThePoints(int n) {
        ConsistentHashBalancer.Ring ring = ConsistentHashBalancer.Ring.of(endpoints(n));
        long[] points = ring.points();
        SplittableRandom random = new SplittableRandom(n);

        for (int i = 0; i < 20_000; i++) {
            long hash = i < 4 ? new long[]{Long.MIN_VALUE, -1, 0, Long.MAX_VALUE}[i] : random.nextLong();
            long target = hash & ~ConsistentHashBalancer.INDEX_MASK;
            long expected = points[0];
            for (long point : points) {
                if (point >= target) {
                    expected = point;
                    break;
                }
            }
            assertThat(ring.owner(hash)).as("hash %d", hash)
                    .isEqualTo((int) (expected & ConsistentHashBalancer.INDEX_MASK));
        }
    }

    private static List<Endpoint> chooseAll(LoadBalancer balancer, List<Endpoint> list) {
        List<Endpoint> chosen = new ArrayList<>();
        for (int k = 0; k < KEYS; k++) {
            chosen.add(balancer.choose(list, "user-" + k));
        }
        return chosen;
    }
}
