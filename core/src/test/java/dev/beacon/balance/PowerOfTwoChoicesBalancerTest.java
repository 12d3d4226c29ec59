package dev.beacon.balance;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static dev.beacon.balance.TestEndpoints.finished;
import static dev.beacon.balance.TestEndpoints.started;
import static dev.beacon.balance.TestEndpoints.busy;
import static dev.beacon.balance.TestEndpoints.chiSquare;
import static dev.beacon.balance.TestEndpoints.counts;
import static dev.beacon.balance.TestEndpoints.endpoints;
import static org.assertj.core.api.Assertions.assertThat;

class PowerOfTwoChoicesBalancerTest {

    /** Chi-square critical value, 9 degrees of freedom, significance 10⁻⁶ (scipy {@code chi2.isf(1e-6, 9)}). */
    private static final double CHI_SQUARE_9_DF_P_1E6 = 44.81;

    @Test
    void choose_twoEndpointsOneBusy_alwaysTheIdleOne() {
        // With two endpoints the two distinct picks are always both, so the busy one must never win.
        List<Endpoint> list = endpoints(2);
        busy(list.get(0), 10);
        LoadBalancer balancer = LoadBalancer.powerOfTwoChoices();

        for (int i = 0; i < 1_000; i++) {
            assertThat(balancer.choose(list, null)).isSameAs(list.get(1));
        }
    }

    @Test
    void choose_oneOverloadedAmongFive_neverChoosesIt() {
        List<Endpoint> list = endpoints(5);
        busy(list.get(3), 50);

        long[] counts = counts(LoadBalancer.powerOfTwoChoices(), list, 10_000);

        assertThat(counts[3]).isZero();
        assertThat(Arrays.stream(counts).sum()).isEqualTo(10_000);
    }

    @Test
    void choose_sameInFlightDifferentLatency_prefersTheFaster() {
        List<Endpoint> list = endpoints(2);
        started(list.get(0));
        finished(list.get(0), 10_000_000);
        started(list.get(1));
        finished(list.get(1), 1_000_000);
        LoadBalancer balancer = LoadBalancer.powerOfTwoChoices();

        for (int i = 0; i < 1_000; i++) {
            assertThat(balancer.choose(list, null)).isSameAs(list.get(1));
        }
    }

    @Test
    void choose_latencyTimesInFlight_lowerProductWins() {
        // cost = (inFlight + 1) × latency: 2 × 10 ms = 20 ms against 5 × 1 ms = 5 ms.
        List<Endpoint> list = endpoints(2);
        started(list.get(0));
        finished(list.get(0), 10_000_000);
        busy(list.get(0), 1);
        started(list.get(1));
        finished(list.get(1), 1_000_000);
        busy(list.get(1), 4);
        LoadBalancer balancer = LoadBalancer.powerOfTwoChoices();

        for (int i = 0; i < 1_000; i++) {
            assertThat(balancer.choose(list, null)).isSameAs(list.get(1));
        }
    }

    @Test
    void choose_newEndpointWithoutLatencySample_comparedOnInFlightOnly() {
        List<Endpoint> list = endpoints(2);
        started(list.get(0));
        finished(list.get(0), 50_000_000);
        LoadBalancer balancer = LoadBalancer.powerOfTwoChoices();

        busy(list.get(1), 2);
        assertThat(balancer.choose(list, null)).as("new endpoint busier: the sampled one wins")
                .isSameAs(list.get(0));

        busy(list.get(0), 3);
        assertThat(balancer.choose(list, null)).as("sampled endpoint busier: the new one wins")
                .isSameAs(list.get(1));
    }

    @Test
    void choose_equalLoad_uniformWithinChiSquareBound() {
        List<Endpoint> list = endpoints(10);
        int calls = 100_000;

        long[] counts = counts(LoadBalancer.powerOfTwoChoices(), list, calls);

        double[] expected = new double[10];
        Arrays.fill(expected, calls / 10.0);
        assertThat(chiSquare(counts, expected)).as("chi-square of %s", Arrays.toString(counts))
                .isLessThan(CHI_SQUARE_9_DF_P_1E6);
    }
}
