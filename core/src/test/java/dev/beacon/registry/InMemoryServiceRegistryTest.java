package dev.beacon.registry;

import dev.beacon.MutableClock;
import dev.beacon.ServiceInstance;
import dev.beacon.registry.RegistryEvent.Type;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertThrows;

class InMemoryServiceRegistryTest extends ServiceRegistryContractTest {

    private final MutableClock clock = MutableClock.atSystemTime();
    private InMemoryServiceRegistry store;

    @Override
    protected ServiceRegistry newRegistry() {
        store = new InMemoryServiceRegistry(clock, Duration.ofMillis(20));
        return store;
    }

    /** A memory registry is its own store: the second handle is the same object. */
    @Override
    protected ServiceRegistry openSecondHandle() {
        return store;
    }

    @Override
    protected void advance(Duration duration) {
        clock.advance(duration);
    }

    @Test
    void instances_exactlyAtDeadline_isExpired() {
        registry.register(instance("orders", "orders-1"), TTL);

        clock.advance(TTL.minusMillis(1));
        assertThat(registry.instances("orders")).hasSize(1);
        clock.advance(Duration.ofMillis(1));
        assertThat(registry.instances("orders")).isEmpty();
    }

    @Test
    void sweep_expiredLease_publishesExpiredOnce() {
        Recorder events = new Recorder();
        ServiceInstance orders = instance("orders", "orders-1");
        registry.register(orders, TTL);
        registry.watch("orders", events);
        clock.advance(TTL);

        store.sweep();
        store.sweep();

        events.awaitEvent(Type.EXPIRED, "orders-1");
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2))
                .until(() -> events.events().equals(List.of(new RegistryEvent(Type.EXPIRED, orders))));
    }

    @Test
    void register_afterClose_throwsIllegalState() {
        registry.close();

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> registry.register(instance("orders", "orders-1"), TTL));

        assertThat(e.getMessage()).isEqualTo("registry memory: is closed");
    }
}
