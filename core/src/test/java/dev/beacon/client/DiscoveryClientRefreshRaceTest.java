package dev.beacon.client;

import dev.beacon.ServiceInstance;
import dev.beacon.registry.FileServiceRegistry;
import dev.beacon.registry.RegistryEvent;
import dev.beacon.registry.ServiceRegistry;
import dev.beacon.registry.Subscription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A refresh (the client's periodic full read) racing a change whose event arrives while the read is in flight, on the
 * file registry. The read is held, by a registry that passes every call through, just long enough for the race to
 * happen every time instead of once in a while.
 */
class DiscoveryClientRefreshRaceTest {

    private static final Duration TTL = Duration.ofMinutes(1);

    @TempDir
    Path dir;

    /**
     * Regression: a refresh that read the registry just before an instance stopped replaced the client's instances
     * with that read after the stop's event had removed it, so the stopped instance came back and was chosen until
     * the next refresh, 30 s later (a watching client "missed" the graceful stop).
     */
    @Test
    void refresh_readBeforeAStopLandsAfterTheStopsEvent_doesNotBringTheInstanceBack() throws Exception {
        ServiceInstance stopping = ServiceInstance.builder("orders").id("stopping").host("127.0.0.1").port(8080)
                .build();
        ServiceInstance staying = stopping.toBuilder().id("staying").port(8081).build();
        try (FileServiceRegistry files = new FileServiceRegistry(dir.resolve("registry"));
             HeldReads registry = new HeldReads(files);
             DiscoveryClient client = DiscoveryClient.builder(registry).build()) {
            files.register(stopping, TTL);
            files.register(staying, TTL);
            assertThat(client.instances("orders")).containsExactly(staying, stopping);

            registry.holdNextRead();
            Thread refresh = new Thread(client::refreshAll);
            refresh.start();
            assertThat(registry.held.await(5, TimeUnit.SECONDS)).as("the refresh has read").isTrue();
            files.deregister("orders", "stopping");
            await("the stop's event applied").atMost(Duration.ofSeconds(5))
                    .until(() -> client.instances("orders").equals(List.of(staying)));
            registry.release.countDown();
            refresh.join(5_000);

            assertThat(client.instances("orders")).containsExactly(staying);
        }
    }

    /** Passes every call to a registry; holds the result of the next {@code instances()} until released. */
    private static final class HeldReads implements ServiceRegistry {
        final CountDownLatch held = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        private final ServiceRegistry delegate;
        private volatile boolean holdNext;

        HeldReads(ServiceRegistry delegate) {
            this.delegate = delegate;
        }

        void holdNextRead() {
            holdNext = true;
        }

        @Override
        public List<ServiceInstance> instances(String service) {
            List<ServiceInstance> read = delegate.instances(service);
            if (holdNext) {
                holdNext = false;
                held.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return read;
        }

        @Override
        public void register(ServiceInstance instance, Duration ttl) {
            delegate.register(instance, ttl);
        }

        @Override
        public boolean renew(String service, String id) {
            return delegate.renew(service, id);
        }

        @Override
        public boolean deregister(String service, String id) {
            return delegate.deregister(service, id);
        }

        @Override
        public Set<String> services() {
            return delegate.services();
        }

        @Override
        public Subscription watch(String service, Consumer<RegistryEvent> listener) {
            return delegate.watch(service, listener);
        }

        @Override
        public void close() {
            release.countDown();
        }
    }
}
