package dev.beacon.registry.spi;

import dev.beacon.ServiceInstance;
import dev.beacon.registry.RegistryEvent;
import dev.beacon.registry.Subscription;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

class WatchHubTest {

    private final List<String> unwatched = new CopyOnWriteArrayList<>();
    private final WatchHub hub = new WatchHub("test-hub", unwatched::add);

    private static RegistryEvent registered(String service) {
        return new RegistryEvent(RegistryEvent.Type.REGISTERED,
                ServiceInstance.builder(service).id("a").host("127.0.0.1").port(8080).build());
    }

    @Test
    void closingTheLastListenerOfAService_reportsItUnwatchedOnce() {
        Consumer<RegistryEvent> listener = event -> { };
        Subscription first = hub.add("orders", listener);
        Subscription second = hub.add("orders", listener); // the same listener twice: two subscriptions
        Subscription other = hub.add("users", event -> { });

        first.close();
        assertThat(unwatched).isEmpty();
        assertThat(hub.watchedServices()).containsExactlyInAnyOrder("orders", "users");

        second.close();
        second.close();
        first.close();
        assertThat(unwatched).containsExactly("orders");
        assertThat(hub.hasListeners("orders")).isFalse();
        assertThat(hub.watchedServices()).containsExactly("users");

        other.close();
        assertThat(unwatched).containsExactly("orders", "users");
    }

    @Test
    void aServiceWatchedAgain_getsItsEvents_andIsReportedAgainWhenLeft() throws Exception {
        hub.add("orders", event -> { }).close();
        CountDownLatch delivered = new CountDownLatch(1);
        Subscription again = hub.add("orders", event -> delivered.countDown());

        hub.publish(registered("orders"));

        assertThat(delivered.await(5, TimeUnit.SECONDS)).isTrue();
        again.close();
        assertThat(unwatched).containsExactly("orders", "orders");
    }

    @Test
    void close_reportsNothingUnwatched() {
        Subscription subscription = hub.add("orders", event -> { });

        hub.close();
        subscription.close();

        assertThat(unwatched).isEmpty();
    }
}
