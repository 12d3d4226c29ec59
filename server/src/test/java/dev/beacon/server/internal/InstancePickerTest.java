package dev.beacon.server.internal;

import dev.beacon.ServiceInstance;
import dev.beacon.balance.Endpoint;
import dev.beacon.balance.LoadBalancer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

class InstancePickerTest {

    private final List<List<Endpoint>> seen = new ArrayList<>();
    private final AtomicInteger created = new AtomicInteger();
    private final InstancePicker picker = new InstancePicker(Map.of("first", () -> {
        created.incrementAndGet();
        return (LoadBalancer) (endpoints, key) -> {
            seen.add(endpoints);
            return endpoints.get(0);
        };
    }));

    private static ServiceInstance instance(String id, String weight) {
        ServiceInstance.Builder builder = ServiceInstance.builder("orders").id(id).host("h").port(1);
        return (weight == null ? builder : builder.metadata("weight", weight)).build();
    }

    @Test
    void pick_noCandidates_isEmpty() {
        assertThat(picker.pick("orders", "first", List.of(), null)).isEmpty();
    }

    @Test
    void pick_unknownStrategy_is400ListingTheNames() {
        HttpError error = assertThrows(HttpError.class, () -> picker.pick("orders", "best", List.of(), null));

        assertThat(error.status()).isEqualTo(400);
        assertThat(error).hasMessage("unknown strategy 'best'; valid: first");
    }

    @Test
    void pick_sameCandidates_sameEndpointList_changedCandidates_newList() {
        ServiceInstance a = instance("a", null);
        picker.pick("orders", "first", List.of(a, instance("b", null)), null);
        picker.pick("orders", "first", List.of(a, instance("b", null)), null);
        picker.pick("orders", "first", List.of(a), null);

        assertThat(seen.get(1)).isSameAs(seen.get(0));
        assertThat(seen.get(2)).isNotSameAs(seen.get(0)).hasSize(1);
        assertThat(created).hasValue(1);
    }

    @Test
    void pick_weightsFromMetadata_badOnesCountAsOne() {
        picker.pick("orders", "first", List.of(instance("a", "2.5"), instance("b", "-1"), instance("c", "x"),
                instance("d", "Infinity")), null);

        assertThat(seen.get(0)).extracting(Endpoint::weight).containsExactly(2.5, 1.0, 1.0, 1.0);
    }

    @Test
    void pick_eachServiceHasItsOwnBalancer_leastRecentlyUsedEvictedBeyondTheBound() {
        for (int i = 0; i <= InstancePicker.MAX_STATES; i++) {
            picker.pick("s" + i, "first", List.of(instance("a", null)), null);
        }
        assertThat(created).hasValue(InstancePicker.MAX_STATES + 1);

        picker.pick("s0", "first", List.of(instance("a", null)), null); // evicted: a new balancer
        picker.pick("s" + InstancePicker.MAX_STATES, "first", List.of(instance("a", null)), null); // still kept

        assertThat(created).hasValue(InstancePicker.MAX_STATES + 2);
    }
}
