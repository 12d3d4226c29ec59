package dev.beacon.client;

import dev.beacon.ServiceInstance;
import dev.beacon.Status;
import dev.beacon.registry.InMemoryServiceRegistry;
import dev.beacon.registry.Subscription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class DiscoveryClientWatchTest {

    private final InMemoryServiceRegistry registry = new InMemoryServiceRegistry();
    private final DiscoveryClient client = DiscoveryClient.builder(registry).build();

    @AfterEach
    void close() {
        client.close();
        registry.close();
    }

    private static ServiceInstance instance(String id, Status status) {
        return ServiceInstance.builder("orders").id(id).host("127.0.0.1").port(8000 + id.length()).status(status)
                .build();
    }

    private static List<String> ids(List<ServiceInstance> instances) {
        return instances.stream().map(ServiceInstance::id).toList();
    }

    @Test
    void watch_registerAndDeregister_tellsEachChangeInOrder() {
        registry.register(instance("a", Status.UP), Duration.ofMinutes(1));
        List<List<String>> told = new CopyOnWriteArrayList<>();
        client.watch("orders", instances -> told.add(ids(instances)));
        assertThat(told).containsExactly(List.of("a"));

        registry.register(instance("bb", Status.UP), Duration.ofMinutes(1));
        await().atMost(Duration.ofSeconds(5)).until(() -> told.size() == 2);
        registry.deregister("orders", "a");
        await().atMost(Duration.ofSeconds(5)).until(() -> told.size() == 3);

        assertThat(told).containsExactly(List.of("a"), List.of("a", "bb"), List.of("bb"));
    }

    @Test
    void watch_instanceGoesDown_isNoLongerOffered() {
        registry.register(instance("a", Status.UP), Duration.ofMinutes(1));
        registry.register(instance("bb", Status.UP), Duration.ofMinutes(1));
        List<List<String>> told = new CopyOnWriteArrayList<>();
        client.watch("orders", instances -> told.add(ids(instances)));

        registry.register(instance("bb", Status.DOWN), Duration.ofMinutes(1));

        await().atMost(Duration.ofSeconds(5)).until(() -> told.get(told.size() - 1).equals(List.of("a")));
    }

    @Test
    void watch_closed_isToldNothingMore() {
        List<List<String>> told = new CopyOnWriteArrayList<>();
        Subscription subscription = client.watch("orders", instances -> told.add(ids(instances)));
        subscription.close();
        subscription.close();

        registry.register(instance("a", Status.UP), Duration.ofMinutes(1));
        await().atMost(Duration.ofSeconds(5)).until(() -> client.instances("orders").size() == 1);

        assertThat(told).containsExactly(List.of());
    }

    @Test
    void watch_listenerThrows_staysSubscribed() {
        List<List<String>> told = new CopyOnWriteArrayList<>();
        client.watch("orders", instances -> {
            told.add(ids(instances));
            throw new IllegalStateException("listener bug");
        });

        registry.register(instance("a", Status.UP), Duration.ofMinutes(1));

        await().atMost(Duration.ofSeconds(5)).until(() -> told.size() == 2);
        assertThat(client.views()).containsKey("orders");
    }
}
