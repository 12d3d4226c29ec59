package dev.beacon.registry.redis;

import dev.beacon.RegistryUnavailableException;
import dev.beacon.ServiceInstance;
import dev.beacon.registry.RegistryEvent;
import dev.beacon.registry.Registries;
import dev.beacon.registry.ServiceRegistry;
import dev.beacon.registry.Subscription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** What the Redis registry promises beyond the contract, on a real standalone redis-server. */
class RedisServiceRegistryIT {

    @RegisterExtension
    static RedisServers redis = new RedisServers();

    private static final AtomicInteger PREFIXES = new AtomicInteger();

    private static ServiceInstance instance(String service, String id) {
        return ServiceInstance.builder(service).id(id).host("10.0.0." + (Math.abs(id.hashCode()) % 250 + 1))
                .port(8080).build();
    }

    private static String prefix() {
        return "it" + PREFIXES.incrementAndGet();
    }

    private static long stat(RedisServer server, String section, String field) {
        for (String line : server.command("INFO", section).split("\\R")) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.substring(field.length() + 1).trim());
            }
        }
        throw new AssertionError("no " + field + " in INFO " + section);
    }

    @Test
    void instances_thousandInstances_oneRoundTrip() {
        RedisServer server = redis.standalone();
        try (ServiceRegistry registry = RedisServiceRegistry.open(server.uri())) {
            for (int i = 0; i < 1000; i++) {
                registry.register(instance("orders", "i-" + i), Duration.ofMinutes(1));
            }
            assertThat(registry.instances("orders")).hasSize(1000);
            // Reads the server counts between two INFO calls, with and without one lookup in between.
            long a = stat(server, "stats", "total_reads_processed");
            long b = stat(server, "stats", "total_reads_processed");
            assertThat(registry.instances("orders")).hasSize(1000);
            long c = stat(server, "stats", "total_reads_processed");
            long overhead = b - a;
            assertThat(c - b - overhead).as("client requests for one instances() call").isEqualTo(1);
        }
    }

    @Test
    void operations_neverUseKeysOrScan() {
        RedisServer server = redis.standalone();
        try (ServiceRegistry registry = RedisServiceRegistry.open(server.uri())) {
            for (int i = 0; i < 20; i++) {
                registry.register(instance("svc-" + (i % 4), "i-" + i), Duration.ofMinutes(1));
            }
            registry.renew("svc-0", "i-0");
            registry.services();
            registry.snapshot();
            registry.instances("svc-1");
            registry.deregister("svc-2", "i-2");
            String stats = server.command("INFO", "commandstats");
            assertThat(stats).doesNotContain("cmdstat_keys").doesNotContain("cmdstat_scan");
        }
    }

    @Test
    void register_keysShareTheServiceHashTagAndExpireWithTheirMembers() {
        RedisServer server = redis.standalone();
        String prefix = prefix();
        try (ServiceRegistry registry = RedisServiceRegistry.open(server.uri() + "?prefix=" + prefix)) {
            registry.register(instance("orders", "a"), Duration.ofSeconds(5));
            String keys = server.command("KEYS", prefix + ":*");
            assertThat(keys).contains(prefix + ":{orders}:i", prefix + ":{orders}:l", prefix + ":services");
            long ttl = Long.parseLong(server.command("PTTL", prefix + ":{orders}:i").trim());
            assertThat(ttl).as("the service's keys expire when no member renews").isBetween(5_000L, 66_000L);
        }
    }

    @Test
    void register_leaseDeadlineComesFromTheServerClock() {
        RedisServer server = redis.standalone();
        String prefix = prefix();
        try (ServiceRegistry registry = RedisServiceRegistry.open(server.uri() + "?prefix=" + prefix)) {
            String[] time = server.command("TIME").trim().split("\\s+");
            long serverNow = Long.parseLong(time[0]) * 1000 + Long.parseLong(time[1]) / 1000;
            registry.register(instance("orders", "a"), Duration.ofSeconds(30));
            double deadline = Double.parseDouble(server.command("ZSCORE", prefix + ":{orders}:l", "a").trim());
            assertThat((long) deadline - serverNow).isBetween(29_000L, 31_000L);
        }
    }

    @Test
    void watch_killedInstance_expiredEventWithinTtlPlusOneSecondWithoutReads() throws Exception {
        RedisServer server = redis.standalone();
        String uri = server.uri() + "?prefix=" + prefix();
        List<RegistryEvent> events = new CopyOnWriteArrayList<>();
        try (ServiceRegistry owner = RedisServiceRegistry.open(uri);
             ServiceRegistry watcher = RedisServiceRegistry.open(uri);
             Subscription ignored = watcher.watch("orders", events::add)) {
            Thread.sleep(200); // let the subscription connect
            owner.register(instance("orders", "doomed"), Duration.ofSeconds(1));
            long registeredAt = System.nanoTime();
            // The owner "dies": nobody renews and nobody reads.
            await().atMost(Duration.ofSeconds(3)).until(() ->
                    events.stream().anyMatch(e -> e.type() == RegistryEvent.Type.EXPIRED));
            long afterMillis = (System.nanoTime() - registeredAt) / 1_000_000;
            assertThat(afterMillis).as("ms from registration to EXPIRED (ttl 1000 ms)").isLessThanOrEqualTo(2000);
            assertThat(events).extracting(RegistryEvent::type)
                    .containsExactly(RegistryEvent.Type.REGISTERED, RegistryEvent.Type.EXPIRED);
        }
    }

    @Test
    void register_redisUnreachable_unavailableExceptionWithAddressAndMaskedPassword() throws Exception {
        int deadPort;
        try (ServerSocket probe = new ServerSocket(0)) {
            deadPort = probe.getLocalPort();
        }
        String uri = "redis://beacon:t0ps3cret@127.0.0.1:" + deadPort + "?connect-timeout=300ms&timeout=300ms";
        try (ServiceRegistry registry = Registries.open(uri)) {
            RegistryUnavailableException e = assertThrows(RegistryUnavailableException.class,
                    () -> registry.register(instance("orders", "a"), Duration.ofSeconds(5)));
            assertThat(e.getMessage()).contains("127.0.0.1:" + deadPort).contains("register orders/a")
                    .doesNotContain("t0ps3cret");
            assertThat(e.getCause()).isNotNull();
            assertThat(registry.toString()).doesNotContain("t0ps3cret").contains("beacon:****@");
            assertThrows(RegistryUnavailableException.class, () -> registry.instances("orders"));
        }
    }

    @Test
    void renew_afterRedisRestartedEmpty_reportsLostLeaseAndReRegisterWorks() {
        RedisServer server = redis.standalone();
        try (ServiceRegistry registry = RedisServiceRegistry.open(server.uri() + "?timeout=500ms")) {
            registry.register(instance("orders", "a"), Duration.ofMinutes(1));
            server.restart();
            await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                    .until(() -> !registry.renew("orders", "a"));
            registry.register(instance("orders", "a"), Duration.ofMinutes(1));
            assertThat(registry.instances("orders")).extracting(ServiceInstance::id).containsExactly("a");
        }
    }

    @Test
    void close_afterWatching_leavesNoThreads() {
        RedisServer server = redis.standalone();
        ServiceRegistry registry = RedisServiceRegistry.open(server.uri() + "?prefix=" + prefix());
        Subscription subscription = registry.watch("orders", event -> { });
        registry.register(instance("orders", "a"), Duration.ofSeconds(5));
        subscription.close();
        registry.close();
        registry.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.isAlive() && t.getName().startsWith("beacon-redis-")));
    }

    /**
     * Bug: the services index kept a service's latest lease with ZADD GT, so re-registering its only instance with a
     * shorter ttl left the longer deadline in the index, and services() listed the service after that instance had
     * expired.
     */
    @Test
    void services_onlyInstanceReRegisteredWithShorterTtlAndExpired_isNotListed() throws Exception {
        RedisServer server = redis.standalone();
        try (ServiceRegistry registry = RedisServiceRegistry.open(server.uri() + "?prefix=" + prefix())) {
            registry.register(instance("orders", "a"), Duration.ofMinutes(1));
            registry.register(instance("orders", "a"), Duration.ofSeconds(1));
            Thread.sleep(1_300);

            assertThat(registry.instances("orders")).isEmpty();
            assertThat(registry.services()).isEmpty();
        }
    }

    @Test
    void prefix_separatesEnvironmentsSharingOneRedis() {
        RedisServer server = redis.standalone();
        try (ServiceRegistry staging = RedisServiceRegistry.open(server.uri() + "?prefix=staging");
             ServiceRegistry production = RedisServiceRegistry.open(server.uri() + "?prefix=production")) {
            staging.register(instance("orders", "s"), Duration.ofMinutes(1));
            production.register(instance("orders", "p"), Duration.ofMinutes(1));
            assertThat(staging.instances("orders")).extracting(ServiceInstance::id).containsExactly("s");
            assertThat(production.instances("orders")).extracting(ServiceInstance::id).containsExactly("p");
        }
    }

    @Test
    void instances_corruptEntry_skippedOthersServed() {
        RedisServer server = redis.standalone();
        String prefix = prefix();
        try (ServiceRegistry registry = RedisServiceRegistry.open(server.uri() + "?prefix=" + prefix)) {
            registry.register(instance("orders", "good"), Duration.ofMinutes(1));
            registry.register(instance("orders", "bad"), Duration.ofMinutes(1));
            server.command("HSET", prefix + ":{orders}:i", "bad", "{not json");
            assertThat(registry.instances("orders")).extracting(ServiceInstance::id).containsExactly("good");
        }
    }

    /** The seed document's own demo, on Redis. */
    @Test
    void seedScenario_threeServicesRegisteredDiscoveredListedDeregistered() {
        RedisServer server = redis.standalone();
        try (ServiceRegistry registry = Registries.open(server.uri() + "?prefix=" + prefix())) {
            Map<String, Integer> ports = Map.of("user-service", 8001, "order-service", 8002, "payment-service", 8003);
            ports.forEach((service, port) -> {
                ServiceInstance.Builder builder = ServiceInstance.builder(service).id(service + "-1")
                        .host("localhost").port(port).metadata("version", "1.0");
                if (service.equals("order-service")) {
                    builder.metadata("weight", "2");
                }
                registry.register(builder.build(), Duration.ofSeconds(30));
            });
            assertThat(registry.services()).containsExactly("order-service", "payment-service", "user-service");
            ServiceInstance order = registry.instances("order-service").get(0);
            assertThat(order.port()).isEqualTo(8002);
            assertThat(order.metadata()).containsEntry("version", "1.0").containsEntry("weight", "2");
            assertThat(registry.snapshot()).hasSize(3);
            for (String service : ports.keySet()) {
                assertThat(registry.deregister(service, service + "-1")).isTrue();
            }
            assertThat(registry.services()).isEmpty();
            assertThat(registry.snapshot()).isEmpty();
        }
    }
}
