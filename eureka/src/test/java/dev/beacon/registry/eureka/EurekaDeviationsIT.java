package dev.beacon.registry.eureka;

import dev.beacon.ServiceInstance;
import dev.beacon.registry.RegistryEvent;
import dev.beacon.registry.ServiceRegistry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * What Eureka forces beside the contract, measured on a real server (docs/registries.md, Eureka): watches poll and
 * report no new services; a crashed instance leaves Beacon's reads at its ttl but Eureka's own list only at its
 * eviction (up to two lease durations plus the eviction timer); with Eureka's read-only response cache on, a write is
 * seen only at the cache's next update. Figures are printed.
 */
class EurekaDeviationsIT {

    @RegisterExtension
    static EurekaServers eureka = new EurekaServers();

    private static EurekaTestServer server;

    @BeforeAll
    static void startServer() {
        server = eureka.start(Map.of());
    }

    private static ServiceInstance instance(String service, String id) {
        return ServiceInstance.builder(service).id(id).host("127.0.0.1").port(8080).build();
    }

    /** Milliseconds until {@code condition} holds, polled every 10 ms, or fails after {@code timeout}. */
    private static long millisUntil(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long start = System.nanoTime();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - start > timeout.toNanos()) {
                throw new AssertionError("not within " + timeout);
            }
            Thread.sleep(10);
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    @Test
    void watchServices_throws_eurekaHasNoPush() {
        try (ServiceRegistry registry = EurekaServiceRegistry.open(server.uri(""))) {
            assertThrows(UnsupportedOperationException.class, () -> registry.watchServices(service -> { }));
        }
    }

    @Test
    void crashedInstance_goneForBeaconAtItsTtl_forEurekaAtItsEviction() throws Exception {
        server.clear();
        try (EurekaServiceRegistry registry = EurekaServiceRegistry.open(server.uri(""))) {
            registry.register(instance("crash", "c-1"), Duration.ofSeconds(2));
            Thread.sleep(500);
            assertThat(registry.renew("crash", "c-1")).isTrue(); // its last heartbeat: then it "crashes"
            long renewedAt = System.nanoTime();

            long beacon = millisUntil(() -> registry.instances("crash").isEmpty(), Duration.ofSeconds(10));
            long eurekaAfterBeacon = millisUntil(() -> !server.get("/eureka/apps").body().contains("\"c-1\""),
                    Duration.ofSeconds(15));
            long sinceRenewal = (System.nanoTime() - renewedAt) / 1_000_000;
            System.out.printf("Eureka deviation: ttl 2 s, last renewal -> gone for Beacon %d ms, "
                    + "gone from Eureka's GET /apps %d ms (%d ms after Beacon; eviction timer 200 ms)%n", beacon, sinceRenewal,
                    eurekaAfterBeacon);
            assertThat(beacon).as("Beacon's readers: at the ttl").isBetween(1_500L, 2_600L);
            assertThat(sinceRenewal).as("Eureka: two durations after the last renewal, plus the eviction timer")
                    .isBetween(3_500L, 5_500L);
        }
    }

    @Test
    void watch_polls_eventWithinAPollInterval() throws Exception {
        server.clear();
        try (EurekaServiceRegistry registry = EurekaServiceRegistry.open(server.uri("?poll=1s"));
             EurekaServiceRegistry writer = EurekaServiceRegistry.open(server.uri(""))) {
            List<RegistryEvent> events = new CopyOnWriteArrayList<>();
            registry.watch("polled", events::add);
            long start = System.nanoTime();
            writer.register(instance("polled", "p-1"), Duration.ofSeconds(30));
            long seen = millisUntil(() -> !events.isEmpty(), Duration.ofSeconds(5));
            writer.deregister("polled", "p-1");
            long gone = millisUntil(() -> events.size() > 1, Duration.ofSeconds(5));
            System.out.printf("Eureka deviation: poll 1 s, register -> REGISTERED event %d ms, "
                    + "deregister -> DEREGISTERED event %d ms%n", (System.nanoTime() - start) / 1_000_000 - gone, gone);
            assertThat(seen).isLessThanOrEqualTo(1_500);
            assertThat(events).extracting(RegistryEvent::type)
                    .containsExactly(RegistryEvent.Type.REGISTERED, RegistryEvent.Type.DEREGISTERED);
        }
    }

    @Test
    void readOnlyResponseCache_writesSeenAtItsNextUpdate() throws Exception {
        try (EurekaTestServer cached = eureka.start(Map.of(
                "eureka.server.use-read-only-response-cache", "true",
                "eureka.server.response-cache-update-interval-ms", "2000"));
             EurekaServiceRegistry registry = EurekaServiceRegistry.open(cached.uri(""))) {
            long max = 0;
            for (int i = 0; i < 3; i++) {
                registry.register(instance("cached", "c-" + i), Duration.ofSeconds(30));
                String id = "c-" + i;
                long visible = millisUntil(() -> registry.instances("cached").stream()
                        .anyMatch(found -> found.id().equals(id)), Duration.ofSeconds(6));
                max = Math.max(max, visible);
                System.out.printf("Eureka deviation: read-only response cache updated every 2000 ms, "
                        + "register -> listed %d ms%n", visible);
            }
            assertThat(max).as("at most one cache update interval (and a little)").isLessThanOrEqualTo(2_600);
            assertThat(registry.leases("cached")).hasSize(3);
        }
    }

    @Test
    void severalServers_firstDown_failsOverToTheNext_allDown_oneMessageNamingEach() throws Exception {
        server.clear();
        int dead;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            dead = socket.getLocalPort(); // closed below: nothing listens there
        }
        String both = "eureka://u:pw-F41l@127.0.0.1:" + dead + ",127.0.0.1:" + server.port() + "/eureka";
        try (ServiceRegistry registry = dev.beacon.registry.Registries.open(both)) {
            registry.register(instance("failover", "f-1"), Duration.ofSeconds(30));

            assertThat(registry.instances("failover")).extracting(ServiceInstance::id).containsExactly("f-1");
            assertThat(registry.renew("failover", "f-1")).isTrue();
            assertThat(registry.deregister("failover", "f-1")).isTrue();
        }
        String none = "eureka://u:pw-F41l@127.0.0.1:" + dead + ",localhost:" + dead + "/eureka?timeout=1s";
        try (ServiceRegistry registry = dev.beacon.registry.Registries.open(none)) {
            dev.beacon.RegistryUnavailableException e = assertThrows(dev.beacon.RegistryUnavailableException.class,
                    () -> registry.instances("failover"));
            assertThat(e.getMessage()).contains("eureka://u:****@", "http://127.0.0.1:" + dead + "/eureka",
                    "http://localhost:" + dead + "/eureka").doesNotContain("pw-F41l");
            assertThat(registry.toString()).doesNotContain("pw-F41l");
        }
    }
}
