package dev.beacon.registry.redis;

import dev.beacon.ServiceInstance;
import dev.beacon.registry.RegistryEvent;
import dev.beacon.registry.ServiceRegistry;
import dev.beacon.registry.Subscription;
import dev.beacon.testing.Stderr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The threads behind {@code watch()} (the pub/sub subscriber and the expiry sweeper) through outages and
 * {@code close()}, on real standalone servers. {@code CLIENT PAUSE} holds a server's replies back, so a test can
 * close the registry while a thread waits for Redis.
 */
class RedisWatchThreadsIT {

    @RegisterExtension
    static RedisServers redis = new RedisServers();

    private static final AtomicInteger PREFIXES = new AtomicInteger();

    private static String uri(RedisServer server) {
        return server.uri() + "?prefix=threads" + PREFIXES.incrementAndGet();
    }

    private static ServiceInstance instance(String service, String id) {
        return ServiceInstance.builder(service).id(id).host("10.0.0.1").port(8080).build();
    }

    /** The live thread of that name whose stack holds {@code method} of {@code className}, if any. */
    private static Optional<Thread> threadIn(String name, String className, String method) {
        return Thread.getAllStackTraces().entrySet().stream()
                .filter(e -> e.getKey().getName().equals(name) && e.getKey().isAlive())
                .filter(e -> Arrays.stream(e.getValue())
                        .anyMatch(f -> f.getClassName().equals(className) && f.getMethodName().equals(method)))
                .map(java.util.Map.Entry::getKey)
                .findFirst();
    }

    /** Reads from several threads at once until the registry's pool holds at least two connections. */
    private static void openTwoConnections(RedisServer server, ServiceRegistry registry) {
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            CompletableFuture.allOf(CompletableFuture.runAsync(() -> registry.instances("orders")),
                    CompletableFuture.runAsync(() -> registry.instances("orders")),
                    CompletableFuture.runAsync(() -> registry.instances("orders"))).join();
            return server.command("CLIENT", "LIST").lines().filter(l -> l.contains("name=beacon ")).count() >= 2;
        });
    }

    private static Set<Thread> threadsNamed(String name) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(name))
                .collect(java.util.stream.Collectors.toSet());
    }

    /**
     * close() while Redis has not yet confirmed the subscription (so there is nothing to unsubscribe yet): the
     * subscriber thread must not go on to wait for messages on a closed registry, holding its connection.
     */
    @Test
    void close_whileSubscribeAwaitsConfirmation_subscriberThreadEnds() {
        RedisServer server = redis.standalone();
        ServiceRegistry registry = RedisServiceRegistry.open(uri(server));
        openTwoConnections(server, registry); // the subscriber and the sweeper each take one, without connecting
        Set<Thread> before = threadsNamed("beacon-redis-subscriber");
        server.command("CLIENT", "PAUSE", "1500", "ALL");
        CompletableFuture<Void> watching = CompletableFuture.runAsync(() -> registry.watch("orders", event -> { }));
        // SUBSCRIBE is sent; its confirmation is held back by the pause
        Thread subscriber = await().atMost(Duration.ofSeconds(5))
                .until(() -> threadIn("beacon-redis-subscriber", "redis.clients.jedis.JedisPubSubBase", "process")
                        .filter(t -> !before.contains(t)), Optional::isPresent)
                .orElseThrow();

        registry.close();

        await().atMost(Duration.ofSeconds(10)).until(() -> !subscriber.isAlive());
        watching.exceptionally(e -> null).join();
    }

    /** The pub/sub channels the server has subscribers for, of the registry with {@code prefix}. */
    private static List<String> channels(RedisServer server, String prefix) {
        return server.command("PUBSUB", "CHANNELS", prefix + ":*").lines().map(String::strip)
                .filter(line -> !line.isEmpty()).sorted().toList();
    }

    /**
     * Bug: a watch's subscription, once closed, left its service's channel subscribed for the registry's lifetime, so
     * a client that watched many services in turn kept receiving (and dropping) the events of all of them. The last
     * watch of a service unsubscribes its channel; the subscriber's connection and thread end with the last channel,
     * and a new watch starts them again.
     */
    @Test
    void closingTheLastWatchOfAService_unsubscribesItsChannel_theSubscriberEndsWithTheLastChannel() throws Exception {
        RedisServer server = redis.standalone();
        String prefix = "threads" + PREFIXES.incrementAndGet();
        Set<Thread> before = threadsNamed("beacon-redis-subscriber");
        try (ServiceRegistry registry = RedisServiceRegistry.open(server.uri() + "?prefix=" + prefix)) {
            List<RegistryEvent> alphaEvents = new CopyOnWriteArrayList<>();
            List<RegistryEvent> betaEvents = new CopyOnWriteArrayList<>();
            Subscription alpha1 = registry.watch("alpha", alphaEvents::add);
            Subscription alpha2 = registry.watch("alpha", alphaEvents::add);
            Subscription beta = registry.watch("beta", betaEvents::add);
            assertThat(channels(server, prefix)).containsExactly(prefix + ":{alpha}:events", prefix + ":{beta}:events");

            alpha1.close();
            assertThat(channels(server, prefix)).as("alpha is still watched once").hasSize(2);
            alpha2.close();
            alpha2.close(); // closing twice changes nothing
            await().atMost(Duration.ofSeconds(5)).until(() -> channels(server, prefix),
                    list -> list.equals(List.of(prefix + ":{beta}:events")));
            registry.register(instance("beta", "b-1"), Duration.ofMinutes(1));
            await().atMost(Duration.ofSeconds(5)).until(() -> betaEvents.size() == 1);

            beta.close();
            await().atMost(Duration.ofSeconds(5)).until(() -> channels(server, prefix).isEmpty());
            await("the subscriber thread ends with its last channel").atMost(Duration.ofSeconds(5)).until(() ->
                    threadsNamed("beacon-redis-subscriber").stream().noneMatch(t -> !before.contains(t)
                            && t.isAlive()));

            try (Subscription again = registry.watch("alpha", alphaEvents::add)) {
                int seen = alphaEvents.size();
                registry.register(instance("alpha", "a-1"), Duration.ofMinutes(1));
                await().atMost(Duration.ofSeconds(5)).until(() -> alphaEvents.size() == seen + 1);
                assertThat(channels(server, prefix)).containsExactly(prefix + ":{alpha}:events");
            }
            assertThat(betaEvents).hasSize(1);
        }
    }

    /**
     * Bug: the sweeper stopped on a closed registry only between rounds. Closed while it waited for Redis, it went on
     * to the next watched service and died of an uncaught IllegalStateException ("registry … is closed") printed on
     * the application's stderr.
     */
    @Test
    void close_whileSweeping_sweeperEndsQuietly() throws Exception {
        RedisServer server = redis.standalone();
        ServiceRegistry registry = RedisServiceRegistry.open(uri(server));
        for (String service : List.of("orders", "payments", "users", "stock", "billing")) {
            registry.watch(service, event -> { });
        }

        List<String> logged = Stderr.linesDuring(() -> {
            server.command("CLIENT", "PAUSE", "1500", "ALL");
            Thread sweeper = await().atMost(Duration.ofSeconds(5))
                    .until(() -> threadIn("beacon-redis-sweeper", "redis.clients.jedis.util.RedisInputStream",
                            "ensureFill"), Optional::isPresent).orElseThrow();
            registry.close();
            await().atMost(Duration.ofSeconds(10)).until(() -> !sweeper.isAlive());
        });

        assertThat(logged).noneMatch(line -> line.contains("Exception"));
    }

    /**
     * Bug: "event subscription lost" was logged for the first outage only; the flag that kept it to one line per
     * outage was cleared only when the subscription ended normally (at close), so later outages were silent.
     */
    @Test
    void watch_secondOutage_isReportedToo() throws Exception {
        RedisServer server = redis.standalone();
        String uri = uri(server);
        List<RegistryEvent> events = new CopyOnWriteArrayList<>();
        AtomicInteger ids = new AtomicInteger();
        List<String> logged;
        try (ServiceRegistry owner = RedisServiceRegistry.open(uri + "&timeout=500ms");
             ServiceRegistry watcher = RedisServiceRegistry.open(uri + "&timeout=500ms");
             Subscription ignored = watcher.watch("orders", events::add)) {
            logged = Stderr.linesDuring(() -> {
                for (int outage = 0; outage < 2; outage++) {
                    server.restart();
                    int seen = events.size();
                    // Events published before the subscriber is back are lost: register until one arrives.
                    await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                            .until(() -> {
                                owner.register(instance("orders", "i" + ids.incrementAndGet()), Duration.ofMinutes(1));
                                return events.size() > seen;
                            });
                }
            });
        }

        assertThat(logged).filteredOn(line -> line.contains("WARN") && line.contains("event subscription lost"))
                .hasSize(2);
    }

    /**
     * Bug: watch() waited for the channel's first subscription ever, not for the current connection's. A watch of an
     * already watched service made while the subscriber was reconnecting returned at once, and the changes made
     * right after it returned were published before the subscription was back: lost, although a watch promises
     * every change from its return on.
     */
    @Test
    void watch_whileTheSubscriberReconnects_returnsOnceChangesReachIt() throws Exception {
        RedisServer server = redis.standalone();
        String uri = uri(server) + "&timeout=5s";
        List<RegistryEvent> events = new CopyOnWriteArrayList<>();
        try (ServiceRegistry owner = RedisServiceRegistry.open(uri);
             ServiceRegistry watcher = RedisServiceRegistry.open(uri);
             Subscription first = watcher.watch("orders", event -> { })) {
            server.stop();
            CompletableFuture<Void> restarted = CompletableFuture.runAsync(server::restart);

            try (Subscription second = watcher.watch("orders", events::add)) {
                ServiceInstance instance = instance("orders", "after-watch");
                await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).ignoreExceptions()
                        .until(() -> {
                            owner.register(instance, Duration.ofMinutes(1));
                            return true;
                        });

                await().atMost(Duration.ofSeconds(5)).until(() -> events.contains(
                        new RegistryEvent(RegistryEvent.Type.REGISTERED, instance)));
            }
            restarted.join();
        }
    }
}
