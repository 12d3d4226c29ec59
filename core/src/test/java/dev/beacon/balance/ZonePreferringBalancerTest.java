package dev.beacon.balance;

import dev.beacon.Status;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.beacon.balance.TestEndpoints.endpoint;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ZonePreferringBalancerTest {

    private final List<Endpoint> list = List.of(
            endpoint("a-1", Map.of("zone", "eu-1a")),
            endpoint("b-1", Map.of("zone", "eu-1b")),
            endpoint("a-2", Map.of("zone", "eu-1a")),
            endpoint("none", Map.of()));

    @Test
    void choose_someInLocalZone_onlyThoseInRotation() {
        LoadBalancer balancer = LoadBalancer.zonePreferring("eu-1a", LoadBalancer.roundRobin());

        List<Endpoint> chosen = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            chosen.add(balancer.choose(list, null));
        }

        assertThat(chosen).containsExactly(list.get(0), list.get(2), list.get(0), list.get(2));
    }

    @Test
    void choose_noneInLocalZone_fallsBackToAll() {
        LoadBalancer balancer = LoadBalancer.zonePreferring("us-2c", LoadBalancer.roundRobin());

        List<Endpoint> chosen = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            chosen.add(balancer.choose(list, null));
        }

        assertThat(chosen).containsExactlyElementsOf(list);
    }

    /**
     * Regression: the balancer kept to the local zone whenever it had endpoints, UP or not, while the discovery
     * client's {@code localZone} fell back once none was UP; both now follow {@code ZonePreference}.
     */
    @Test
    void choose_localZoneHasInstancesButNoneUp_fallsBackToTheOtherZones() {
        List<Endpoint> mixed = List.of(
                endpoint("a-1", Map.of("zone", "eu-1a"), Status.DOWN),
                endpoint("b-1", Map.of("zone", "eu-1b")),
                endpoint("a-2", Map.of("zone", "eu-1a"), Status.STARTING),
                endpoint("b-2", Map.of("zone", "eu-1b")));
        LoadBalancer balancer = LoadBalancer.zonePreferring("eu-1a", LoadBalancer.roundRobin());

        List<Endpoint> chosen = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            chosen.add(balancer.choose(mixed, null));
        }

        assertThat(chosen).containsExactlyElementsOf(mixed);
    }

    @Test
    void choose_oneLocalUp_onlyTheLocalOnes() {
        List<Endpoint> mixed = List.of(
                endpoint("a-1", Map.of("zone", "eu-1a"), Status.DOWN),
                endpoint("b-1", Map.of("zone", "eu-1b")),
                endpoint("a-2", Map.of("zone", "eu-1a")));
        List<List<Endpoint>> seen = new ArrayList<>();
        LoadBalancer recording = (endpoints, key) -> {
            seen.add(endpoints);
            return endpoints.get(0);
        };

        LoadBalancer.zonePreferring("eu-1a", recording).choose(mixed, null);

        assertThat(seen.get(0)).containsExactly(mixed.get(0), mixed.get(2));
    }

    @Test
    void choose_sameList_delegateSeesOneCachedListObject() {
        List<List<Endpoint>> seen = new ArrayList<>();
        LoadBalancer recording = (endpoints, key) -> {
            seen.add(endpoints);
            return endpoints.get(0);
        };
        LoadBalancer balancer = LoadBalancer.zonePreferring("eu-1b", recording);

        balancer.choose(list, null);
        balancer.choose(list, null);
        List<Endpoint> changed = List.of(list.get(1), list.get(3));
        balancer.choose(changed, null);

        assertThat(seen.get(0)).containsExactly(list.get(1));
        assertThat(seen.get(1)).isSameAs(seen.get(0));
        assertThat(seen.get(2)).isNotSameAs(seen.get(0)).containsExactly(list.get(1));
    }

    @Test
    void choose_allOrNoneLocal_delegateGetsTheOriginalList() {
        List<List<Endpoint>> seen = new ArrayList<>();
        LoadBalancer recording = (endpoints, key) -> {
            seen.add(endpoints);
            return endpoints.get(0);
        };
        List<Endpoint> allLocal = List.of(list.get(0), list.get(2));

        LoadBalancer.zonePreferring("eu-1a", recording).choose(allLocal, null);
        LoadBalancer.zonePreferring("nowhere", recording).choose(list, null);

        assertThat(seen.get(0)).isSameAs(allLocal);
        assertThat(seen.get(1)).isSameAs(list);
    }

    @Test
    void choose_keyGiven_passedToDelegate() {
        LoadBalancer balancer = LoadBalancer.zonePreferring("eu-1a", LoadBalancer.consistentHash());
        LoadBalancer plain = LoadBalancer.consistentHash();
        List<Endpoint> local = List.of(list.get(0), list.get(2));

        for (int k = 0; k < 100; k++) {
            assertThat(balancer.choose(list, "k" + k)).isSameAs(plain.choose(local, "k" + k));
        }
    }

    @Test
    void zonePreferring_nullArguments_throwNamingThem() {
        assertThatThrownBy(() -> LoadBalancer.zonePreferring(null, LoadBalancer.random()))
                .isInstanceOf(NullPointerException.class).hasMessage("localZone must not be null");
        assertThatThrownBy(() -> LoadBalancer.zonePreferring("eu-1a", null))
                .isInstanceOf(NullPointerException.class).hasMessage("delegate must not be null");
    }
}
