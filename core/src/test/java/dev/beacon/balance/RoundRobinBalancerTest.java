package dev.beacon.balance;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.beacon.balance.TestEndpoints.endpoints;
import static org.assertj.core.api.Assertions.assertThat;

class RoundRobinBalancerTest {

    @Test
    void choose_threeEndpoints_rotatesInListOrder() {
        List<Endpoint> list = endpoints(3);
        LoadBalancer balancer = LoadBalancer.roundRobin();

        assertThat(choices(balancer, list, 7))
                .containsExactly(list.get(0), list.get(1), list.get(2), list.get(0), list.get(1), list.get(2),
                        list.get(0));
    }

    @Test
    void choose_twoServicesInterleaved_eachRotatesWithItsOwnCounter() {
        // The seed's bug: one counter for all services, so interleaved services each saw a skipping rotation
        // (with two services of two instances each, every service got the same instance on every call).
        List<Endpoint> orders = endpoints(2);
        List<Endpoint> users = endpoints(2);
        LoadBalancer ordersBalancer = LoadBalancer.roundRobin();
        LoadBalancer usersBalancer = LoadBalancer.roundRobin();
        List<Endpoint> ordersChoices = new ArrayList<>();
        List<Endpoint> usersChoices = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ordersChoices.add(ordersBalancer.choose(orders, null));
            usersChoices.add(usersBalancer.choose(users, null));
        }

        assertThat(ordersChoices).containsExactly(orders.get(0), orders.get(1), orders.get(0), orders.get(1));
        assertThat(usersChoices).containsExactly(users.get(0), users.get(1), users.get(0), users.get(1));
    }

    @Test
    void factory_calledTwice_returnsIndependentInstances() {
        assertThat(LoadBalancer.roundRobin()).isNotSameAs(LoadBalancer.roundRobin());
    }

    @Test
    void choose_counterPastIntegerMaxValue_keepsExactRotation() {
        List<Endpoint> list = endpoints(3);
        LoadBalancer balancer = new RoundRobinBalancer(Integer.MAX_VALUE - 4L);

        assertExactRotation(choices(balancer, list, 12), list);
    }

    @Test
    void choose_counterPastLongMaxValue_keepsExactRotationForAnySize() {
        // A signed floorMod would repeat a position here for size 3 (MAX_VALUE and MIN_VALUE are both 1 mod 3).
        for (int size : new int[]{2, 3, 5, 7, 10}) {
            List<Endpoint> list = endpoints(size);
            LoadBalancer balancer = new RoundRobinBalancer(Long.MAX_VALUE - 5);

            assertExactRotation(choices(balancer, list, 3 * size + 1), list);
        }
    }

    @Test
    void choose_counterWrapsPastUnsignedMaximum_neverThrowsAndRotatesExactlyForPowersOfTwo() {
        List<Endpoint> three = endpoints(3);
        List<Endpoint> chosen = choices(new RoundRobinBalancer(-5), three, 12);
        assertThat(chosen).hasSize(12).allSatisfy(e -> assertThat(three).contains(e));

        List<Endpoint> four = endpoints(4);
        assertExactRotation(choices(new RoundRobinBalancer(-5), four, 12), four);
    }

    @Test
    void choose_singleEndpoint_returnsIt() {
        List<Endpoint> list = endpoints(1);

        assertThat(LoadBalancer.roundRobin().choose(list, null)).isSameAs(list.get(0));
    }

    private static List<Endpoint> choices(LoadBalancer balancer, List<Endpoint> list, int calls) {
        List<Endpoint> chosen = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            chosen.add(balancer.choose(list, null));
        }
        return chosen;
    }

    /** Each choice is the successor (in list order, wrapping) of the one before. */
    private static void assertExactRotation(List<Endpoint> chosen, List<Endpoint> list) {
        for (int i = 1; i < chosen.size(); i++) {
            int previous = list.indexOf(chosen.get(i - 1));
            assertThat(list.indexOf(chosen.get(i))).as("choice %d after index %d", i, previous)
                    .isEqualTo((previous + 1) % list.size());
        }
    }
}
