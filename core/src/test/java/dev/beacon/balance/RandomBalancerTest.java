package dev.beacon.balance;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static dev.beacon.balance.TestEndpoints.chiSquare;
import static dev.beacon.balance.TestEndpoints.counts;
import static dev.beacon.balance.TestEndpoints.endpoints;
import static org.assertj.core.api.Assertions.assertThat;

class RandomBalancerTest {

    /**
     * Chi-square critical value for 9 degrees of freedom at significance 10⁻⁶ (scipy {@code chi2.isf(1e-6, 9)}).
     * ThreadLocalRandom cannot be seeded, so the test is random: a fair balancer fails it once in a million runs.
     * A balancer that never picks one of 10 endpoints scores about 11,000; one that favours one endpoint by 10 %
     * about 100.
     */
    private static final double CHI_SQUARE_9_DF_P_1E6 = 44.81;

    @Test
    void choose_tenEndpoints_uniformWithinChiSquareBound() {
        List<Endpoint> list = endpoints(10);
        int calls = 100_000;

        long[] counts = counts(LoadBalancer.random(), list, calls);

        double[] expected = new double[10];
        Arrays.fill(expected, calls / 10.0);
        assertThat(chiSquare(counts, expected)).as("chi-square of %s", Arrays.toString(counts))
                .isLessThan(CHI_SQUARE_9_DF_P_1E6);
    }

    @Test
    void choose_singleEndpoint_returnsIt() {
        List<Endpoint> list = endpoints(1);

        assertThat(LoadBalancer.random().choose(list, "key")).isSameAs(list.get(0));
    }
}
