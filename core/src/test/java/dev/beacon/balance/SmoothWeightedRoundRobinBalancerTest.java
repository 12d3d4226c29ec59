package dev.beacon.balance;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static dev.beacon.balance.TestEndpoints.withWeight;
import static dev.beacon.balance.TestEndpoints.endpoints;
import static dev.beacon.balance.TestEndpoints.weighted;
import static org.assertj.core.api.Assertions.assertThat;

class SmoothWeightedRoundRobinBalancerTest {

    @Test
    void choose_weights511_followsNginxSmoothSequenceEveryCycle() {
        List<Endpoint> list = weighted(5, 1, 1);
        Endpoint a = list.get(0);
        Endpoint b = list.get(1);
        Endpoint c = list.get(2);

        List<Endpoint> chosen = choices(LoadBalancer.weightedRoundRobin(), list, 14);

        // nginx: current += weight for all, pick the largest (first on ties), subtract the total (7) from it.
        assertThat(chosen).containsExactly(a, a, b, a, c, a, a, a, a, b, a, c, a, a);
    }

    @Test
    void choose_equalWeights_neverSameEndpointTwiceInARow() {
        List<Endpoint> list = weighted(2, 2, 2);

        List<Endpoint> chosen = choices(LoadBalancer.weightedRoundRobin(), list, 30);

        for (int i = 1; i < chosen.size(); i++) {
            assertThat(chosen.get(i)).as("choice %d", i).isNotSameAs(chosen.get(i - 1));
        }
    }

    @Test
    void choose_weights321_everyWindowOfOneCycleHasExactCounts() {
        List<Endpoint> list = weighted(3, 2, 1);

        List<Endpoint> chosen = choices(LoadBalancer.weightedRoundRobin(), list, 600);

        for (int start = 0; start + 6 <= chosen.size(); start++) {
            assertThat(counts(chosen.subList(start, start + 6), list)).as("window at %d", start)
                    .containsExactly(3, 2, 1);
        }
    }

    /**
     * Smoothness: after any number of calls {@code t}, each endpoint has been chosen within less than one call of its
     * ideal share {@code t × w / W}. The naive weighted round robin ({@code a a a a a b c} for 5:1:1) is 1.43 calls
     * ahead for {@code a} after five calls. Across cycles nginx's order may still put a heavy endpoint several
     * times in a row ({@code … a a | a a …} for 5:1:1), which this bound allows.
     */
    @Test
    void choose_anyPrefix_eachEndpointWithinOneCallOfItsIdealShare() {
        double[][] cases = {{5, 1, 1}, {3, 2, 1}, {7, 3, 1, 1}, {10, 1}, {4, 4, 3, 2, 1}, {1, 1, 1, 1, 9}};
        for (double[] weights : cases) {
            List<Endpoint> list = weighted(weights);
            double total = Arrays.stream(weights).sum();
            List<Endpoint> chosen = choices(LoadBalancer.weightedRoundRobin(), list, 5 * (int) total);

            int[] counts = new int[weights.length];
            for (int t = 1; t <= chosen.size(); t++) {
                counts[list.indexOf(chosen.get(t - 1))]++;
                for (int i = 0; i < weights.length; i++) {
                    double ideal = t * weights[i] / total;
                    assertThat(Math.abs(counts[i] - ideal)).as("weights %s, endpoint %d after %d calls",
                            Arrays.toString(weights), i, t).isLessThan(1.0);
                }
            }
        }
    }

    @Test
    void choose_fractionalWeights_countsInProportion() {
        List<Endpoint> list = weighted(1.0, 0.5, 0.25);

        List<Endpoint> chosen = choices(LoadBalancer.weightedRoundRobin(), list, 700);

        assertThat(counts(chosen, list)).containsExactly(400, 200, 100);
    }

    @Test
    void choose_listReplaced_followsNewWeights() {
        LoadBalancer balancer = LoadBalancer.weightedRoundRobin();
        List<Endpoint> before = weighted(1, 1);
        choices(balancer, before, 5);
        List<Endpoint> after = List.of(withWeight(before.get(0), 3), before.get(1));

        List<Endpoint> chosen = choices(balancer, after, 400);

        assertThat(counts(chosen, after)).containsExactly(300, 100);
    }

    @Test
    void integerWeights_integralWeights_exactAndReducedByGcd() {
        assertThat(SmoothWeightedRoundRobinBalancer.integerWeights(weighted(4, 2, 2))).containsExactly(2, 1, 1);
        assertThat(SmoothWeightedRoundRobinBalancer.integerWeights(weighted(1000, 999))).containsExactly(1000, 999);
    }

    @Test
    void integerWeights_fractionalWeights_resolvedToAThousandthOfTheLargest() {
        assertThat(SmoothWeightedRoundRobinBalancer.integerWeights(weighted(1, 0.37))).containsExactly(100, 37);
        assertThat(SmoothWeightedRoundRobinBalancer.integerWeights(weighted(2, 0.0001))).containsExactly(1000, 1);
    }

    @Test
    void integerWeights_thousandEndpointsOneWarmingUp_boundedScheduleWithEveryEndpoint() {
        double[] weights = new double[1000];
        Arrays.fill(weights, 1.0);
        weights[7] = 0.37;
        List<Endpoint> list = weighted(weights);

        int[] integer = SmoothWeightedRoundRobinBalancer.integerWeights(list);

        int total = Arrays.stream(integer).sum();
        assertThat(total).isBetween(1000, SmoothWeightedRoundRobinBalancer.maxScheduleLength(1000, 2));
        // 16,384 slots for 999.37 units of weight: 15 per unit, so 0.37 gets round(5.55) = 6; 15:6 reduces to 5:2
        assertThat(integer[0]).isEqualTo(5);
        assertThat(integer[7]).isEqualTo(2);
        assertThat(Arrays.stream(integer).boxed()).allSatisfy(w -> assertThat(w).isPositive());
        assertThat(counts(choices(LoadBalancer.weightedRoundRobin(), list, total), list))
                .isEqualTo(Arrays.stream(integer).boxed().toList());
    }

    /**
     * The grouped build (one candidate per distinct weight per step) must give exactly the order of nginx's
     * per-call algorithm, which is run here as written in {@code ngx_http_upstream_get_peer}.
     */
    @Test
    void choose_randomWeights_sameOrderAsNginxReference() {
        SplittableRandom random = new SplittableRandom(20261125);
        for (int round = 0; round < 200; round++) {
            double[] weights = new double[1 + random.nextInt(12)];
            for (int i = 0; i < weights.length; i++) {
                weights[i] = round % 2 == 0 ? 1 + random.nextInt(6) : 0.05 + random.nextDouble() * 3;
            }
            List<Endpoint> list = weighted(weights);
            int[] integer = SmoothWeightedRoundRobinBalancer.integerWeights(list);
            int total = Arrays.stream(integer).sum();

            List<Endpoint> chosen = choices(LoadBalancer.weightedRoundRobin(), list, 2 * total);

            assertThat(chosen).as("weights %s", Arrays.toString(weights)).isEqualTo(nginx(list, integer, 2 * total));
        }
    }

    @Test
    void choose_equalWeightsManyEndpoints_plainRotation() {
        List<Endpoint> list = endpoints(100);

        List<Endpoint> chosen = choices(LoadBalancer.weightedRoundRobin(), list, 200);

        for (int i = 0; i < 200; i++) {
            assertThat(chosen.get(i)).isSameAs(list.get(i % 100));
        }
    }

    private static List<Endpoint> nginx(List<Endpoint> list, int[] weights, int calls) {
        long[] current = new long[weights.length];
        int total = Arrays.stream(weights).sum();
        List<Endpoint> chosen = new ArrayList<>();
        for (int call = 0; call < calls; call++) {
            int best = -1;
            for (int i = 0; i < weights.length; i++) {
                current[i] += weights[i];
                if (best < 0 || current[i] > current[best]) {
                    best = i;
                }
            }
            current[best] -= total;
            chosen.add(list.get(best));
        }
        return chosen;
    }

    static List<Endpoint> choices(LoadBalancer balancer, List<Endpoint> list, int calls) {
        List<Endpoint> chosen = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            chosen.add(balancer.choose(list, null));
        }
        return chosen;
    }

    static List<Integer> counts(List<Endpoint> chosen, List<Endpoint> list) {
        int[] counts = new int[list.size()];
        for (Endpoint endpoint : chosen) {
            counts[list.indexOf(endpoint)]++;
        }
        return Arrays.stream(counts).boxed().toList();
    }
}
