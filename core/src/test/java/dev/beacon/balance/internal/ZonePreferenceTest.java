package dev.beacon.balance.internal;

import dev.beacon.ServiceInstance;
import dev.beacon.Status;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

class ZonePreferenceTest {

    private static ServiceInstance instance(String id, String zone, Status status) {
        return ServiceInstance.builder("orders").id(id).host("10.0.0.1").port(8080).status(status)
                .metadata(zone == null ? Map.of() : Map.of("zone", zone)).build();
    }

    private static List<ServiceInstance> prefer(List<ServiceInstance> items, String zone) {
        return ZonePreference.preferLocal(items, zone, Function.identity(), i -> i.status() == Status.UP);
    }

    @Test
    void preferLocal_oneLocalHealthy_allLocalOnesInOrder() {
        List<ServiceInstance> items = List.of(instance("a", "eu", Status.DOWN), instance("b", "us", Status.UP),
                instance("c", "eu", Status.UP), instance("d", null, Status.UP));

        assertThat(prefer(items, "eu")).containsExactly(items.get(0), items.get(2));
    }

    @Test
    void preferLocal_localOnesButNoneHealthy_theSameListObject() {
        List<ServiceInstance> items = List.of(instance("a", "eu", Status.DOWN), instance("b", "us", Status.UP),
                instance("c", "eu", Status.DRAINING));

        assertThat(prefer(items, "eu")).isSameAs(items);
    }

    @Test
    void preferLocal_noneLocalOrAllLocal_theSameListObject() {
        List<ServiceInstance> remote = List.of(instance("a", "us", Status.UP), instance("b", null, Status.UP));
        List<ServiceInstance> local = List.of(instance("a", "eu", Status.UP), instance("b", "eu", Status.DOWN));

        assertThat(prefer(remote, "eu")).isSameAs(remote);
        assertThat(prefer(local, "eu")).isSameAs(local);
        assertThat(prefer(List.of(), "eu")).isEmpty();
    }

    @Test
    void preferLocal_healthyIsTheCallersPredicate() {
        List<ServiceInstance> items = List.of(instance("a", "eu", Status.UP), instance("b", "us", Status.UP));

        assertThat(ZonePreference.preferLocal(items, "eu", Function.identity(), i -> !i.id().equals("a")))
                .as("the only local instance is not healthy by the caller's measure (ejected, say)")
                .isSameAs(items);
    }
}
