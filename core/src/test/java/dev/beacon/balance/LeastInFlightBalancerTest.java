package dev.beacon.balance;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.beacon.balance.TestEndpoints.finished;
import static dev.beacon.balance.TestEndpoints.started;
import static dev.beacon.balance.TestEndpoints.busy;
import static dev.beacon.balance.TestEndpoints.endpoints;
import static org.assertj.core.api.Assertions.assertThat;

class LeastInFlightBalancerTest {

    @Test
    void choose_differentLoads_picksTheMinimum() {
        List<Endpoint> list = endpoints(4);
        busy(list.get(0), 3);
        busy(list.get(1), 2);
        busy(list.get(2), 1);
        busy(list.get(3), 4);
        LoadBalancer balancer = LoadBalancer.leastInFlight();

        for (int i = 0; i < 10; i++) {
            assertThat(balancer.choose(list, null)).isSameAs(list.get(2));
        }
    }

    @Test
    void choose_allIdle_rotatesInsteadOfAlwaysReturningTheFirst() {
        // Regression: the seed's "least connections" returned the first instance whenever counts were tied, so
        // with idle instances every call went to instance 0.
        List<Endpoint> list = endpoints(4);
        LoadBalancer balancer = LoadBalancer.leastInFlight();

        List<Endpoint> chosen = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            chosen.add(balancer.choose(list, null));
        }

        assertThat(chosen).containsExactly(list.get(0), list.get(1), list.get(2), list.get(3),
                list.get(0), list.get(1), list.get(2), list.get(3));
    }

    @Test
    void choose_tiesNotAdjacent_rotatesAmongTiedOnly() {
        List<Endpoint> list = endpoints(5);
        busy(list.get(0), 2);
        busy(list.get(2), 2);
        busy(list.get(4), 1);
        LoadBalancer balancer = LoadBalancer.leastInFlight();

        List<Endpoint> chosen = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            chosen.add(balancer.choose(list, null));
        }

        assertThat(chosen).containsExactly(list.get(1), list.get(3), list.get(1), list.get(3), list.get(1),
                list.get(3));
    }

    @Test
    void choose_callsStartedOnChosen_spreadsLoadEvenly() {
        List<Endpoint> list = endpoints(3);
        LoadBalancer balancer = LoadBalancer.leastInFlight();

        for (int i = 0; i < 30; i++) {
            started(balancer.choose(list, null));
        }

        assertThat(list).allSatisfy(e -> assertThat(e.inFlight()).isEqualTo(10));
    }

    @Test
    void choose_loadDrops_followsTheNewMinimum() {
        List<Endpoint> list = endpoints(2);
        busy(list.get(0), 1);
        busy(list.get(1), 2);
        LoadBalancer balancer = LoadBalancer.leastInFlight();
        assertThat(balancer.choose(list, null)).isSameAs(list.get(0));

        finished(list.get(1), 1_000);
        finished(list.get(1), 1_000);

        assertThat(balancer.choose(list, null)).isSameAs(list.get(1));
    }
}
