package dev.beacon.client;

import dev.beacon.MutableClock;
import dev.beacon.RegistryUnavailableException;
import dev.beacon.ServiceInstance;
import dev.beacon.Status;
import dev.beacon.balance.Endpoint;
import dev.beacon.registry.InMemoryServiceRegistry;
import dev.beacon.registry.RegistryEvent;
import dev.beacon.registry.ServiceRegistry;
import dev.beacon.registry.Subscription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DiscoveryClientTest {

    private final MutableClock clock = MutableClock.atSystemTime();
    private final InMemoryServiceRegistry registry = new InMemoryServiceRegistry();
    private final List<DiscoveryClient> clients = new ArrayList<>();

    @AfterEach
    void close() {
        clients.forEach(DiscoveryClient::close);
        registry.close();
    }

    private DiscoveryClient client(DiscoveryClient.Builder builder) {
        DiscoveryClient client = builder.clock(clock).build();
        clients.add(client);
        return client;
    }

    private static ServiceInstance instance(String id, Status status, Map<String, String> metadata) {
        return ServiceInstance.builder("orders").id(id).host("10.0.0." + (id.hashCode() & 0x7f)).port(8080)
                .status(status).metadata(metadata).build();
    }

    private void register(String id) {
        registry.register(instance(id, Status.UP, Map.of()), Duration.ofMinutes(5));
    }

    private static Set<String> chosenIds(DiscoveryClient client, int times) {
        Set<String> ids = new java.util.TreeSet<>();
        for (int i = 0; i < times; i++) {
            client.choose("orders").ifPresent(instance -> ids.add(instance.id()));
        }
        return ids;
    }

    @Test
    void choose_registrationAfterStart_followedThroughWatchEvents() {
        register("a");
        DiscoveryClient client = client(DiscoveryClient.builder(registry));
        assertThat(chosenIds(client, 4)).containsExactly("a");
        register("b");
        await().atMost(Duration.ofSeconds(1)).until(() -> chosenIds(client, 4).size() == 2);
        registry.deregister("orders", "a");
        await().atMost(Duration.ofSeconds(1)).until(() -> chosenIds(client, 4).equals(Set.of("b")));
    }

    @Test
    void choose_noInstances_emptyAndBeginThrows() {
        DiscoveryClient client = client(DiscoveryClient.builder(registry));
        assertThat(client.choose("orders")).isEmpty();
        NoInstanceAvailableException e = assertThrows(NoInstanceAvailableException.class,
                () -> client.begin("orders"));
        assertThat(e.getMessage()).contains("'orders'");
    }

    @Test
    void instances_onlyUpByDefault_andFiltersApply() {
        registry.register(instance("up-v2", Status.UP, Map.of("version", "2.1", "tags", "canary,eu")),
                Duration.ofMinutes(5));
        registry.register(instance("up-v1", Status.UP, Map.of("version", "1.9")), Duration.ofMinutes(5));
        registry.register(instance("starting", Status.STARTING, Map.of("version", "2.0")), Duration.ofMinutes(5));
        registry.register(instance("draining", Status.DRAINING, Map.of("version", "2.0")), Duration.ofMinutes(5));
        DiscoveryClient all = client(DiscoveryClient.builder(registry).panicThreshold(0));
        DiscoveryClient v2 = client(DiscoveryClient.builder(registry)
                .filter(InstanceFilters.metadata("version", "2.*")));
        DiscoveryClient canary = client(DiscoveryClient.builder(registry).filter(InstanceFilters.tag("canary")));

        assertThat(all.instances("orders")).extracting(ServiceInstance::id).containsExactly("up-v1", "up-v2");
        assertThat(v2.instances("orders")).extracting(ServiceInstance::id).containsExactly("up-v2");
        assertThat(canary.instances("orders")).extracting(ServiceInstance::id).containsExactly("up-v2");
    }

    @Test
    void localZone_prefersZone_andFallsBackWhenNoneIsUp() {
        registry.register(instance("eu-a", Status.UP, Map.of("zone", "eu")), Duration.ofMinutes(5));
        registry.register(instance("us-a", Status.UP, Map.of("zone", "us")), Duration.ofMinutes(5));
        DiscoveryClient client = client(DiscoveryClient.builder(registry).localZone("eu"));
        assertThat(chosenIds(client, 10)).containsExactly("eu-a");

        registry.register(instance("eu-a", Status.DOWN, Map.of("zone", "eu")), Duration.ofMinutes(5));
        await().atMost(Duration.ofSeconds(1)).until(() -> chosenIds(client, 10).equals(Set.of("us-a")));
    }

    /**
     * Regression: the client kept to the local zone while one of its instances was UP, even an ejected one; with
     * none healthy there it went into panic mode inside the zone and sent every call to the ejected instance.
     */
    @Test
    void localZone_onlyLocalInstanceEjected_fallsBackToTheOtherZones() {
        registry.register(instance("eu-a", Status.UP, Map.of("zone", "eu")), Duration.ofMinutes(5));
        registry.register(instance("us-a", Status.UP, Map.of("zone", "us")), Duration.ofMinutes(5));
        registry.register(instance("us-b", Status.UP, Map.of("zone", "us")), Duration.ofMinutes(5));
        DiscoveryClient client = client(DiscoveryClient.builder(registry).localZone("eu")
                .outlierEjection(1, Duration.ofSeconds(30), Duration.ofMinutes(1), 0.5));
        assertThat(chosenIds(client, 4)).containsExactly("eu-a");

        fail(client, 1);

        assertThat(client.view("orders").ejected()).containsExactly("eu-a");
        assertThat(client.view("orders").panic()).isFalse();
        assertThat(chosenIds(client, 4)).containsExactly("us-a", "us-b");
    }

    /**
     * Regression: panic mode was decided inside the local zone, so one UP instance beside two DOWN ones there sent
     * two calls in three to DOWN instances while the other zone was healthy. It is decided over all zones now.
     */
    @Test
    void localZone_mostLocalInstancesDown_noPanicWhileOtherZonesAreHealthy() {
        registry.register(instance("eu-a", Status.UP, Map.of("zone", "eu")), Duration.ofMinutes(5));
        registry.register(instance("eu-b", Status.DOWN, Map.of("zone", "eu")), Duration.ofMinutes(5));
        registry.register(instance("eu-c", Status.DOWN, Map.of("zone", "eu")), Duration.ofMinutes(5));
        for (String id : List.of("us-a", "us-b", "us-c")) {
            registry.register(instance(id, Status.UP, Map.of("zone", "us")), Duration.ofMinutes(5));
        }
        DiscoveryClient client = client(DiscoveryClient.builder(registry).localZone("eu"));

        assertThat(client.view("orders").panic()).isFalse();
        assertThat(chosenIds(client, 6)).containsExactly("eu-a");
    }

    /** One rule for both ways of preferring a zone: a local zone with instances but none UP fails over. */
    @Test
    void localZone_localInstancesNoneUp_clientAndZonePreferringBalancerChooseAlike() {
        registry.register(instance("eu-a", Status.DOWN, Map.of("zone", "eu")), Duration.ofMinutes(5));
        registry.register(instance("us-a", Status.UP, Map.of("zone", "us")), Duration.ofMinutes(5));
        registry.register(instance("us-b", Status.UP, Map.of("zone", "us")), Duration.ofMinutes(5));
        DiscoveryClient byClient = client(DiscoveryClient.builder(registry).localZone("eu").panicThreshold(0.9));
        DiscoveryClient byBalancer = client(DiscoveryClient.builder(registry).panicThreshold(0.9)
                .balancer(() -> dev.beacon.balance.LoadBalancer.zonePreferring("eu",
                        dev.beacon.balance.LoadBalancer.roundRobin())));

        assertThat(byClient.view("orders").panic()).as("2 of 3 healthy, under 90 %: all are routable").isTrue();
        assertThat(chosenIds(byClient, 9)).containsExactly("eu-a", "us-a", "us-b");
        assertThat(chosenIds(byBalancer, 9)).containsExactly("eu-a", "us-a", "us-b");
    }

    @Test
    void panicThreshold_fewHealthy_balancesOverAllAndSaysSo() {
        register("a");
        for (String id : List.of("b", "c", "d")) {
            registry.register(instance(id, Status.DOWN, Map.of()), Duration.ofMinutes(5));
        }
        DiscoveryClient client = client(DiscoveryClient.builder(registry).panicThreshold(0.5));
        ServiceView view = client.view("orders");
        assertThat(view.panic()).isTrue();
        assertThat(chosenIds(client, 8)).containsExactly("a", "b", "c", "d");

        registry.register(instance("b", Status.UP, Map.of()), Duration.ofMinutes(5));
        await().atMost(Duration.ofSeconds(1)).until(() -> !client.view("orders").panic());
        assertThat(chosenIds(client, 8)).containsExactly("a", "b");
    }

    @Test
    void outlierEjection_consecutiveFailures_ejectThenReturnWithGrowingBackoff() {
        for (String id : List.of("a", "b", "c", "d")) {
            register(id);
        }
        AtomicReference<String> target = new AtomicReference<>("a");
        DiscoveryClient client = client(DiscoveryClient.builder(registry)
                .balancer(() -> (endpoints, key) -> endpoints.stream()
                        .filter(e -> e.instance().id().equals(target.get())).findFirst().orElse(endpoints.get(0)))
                .outlierEjection(3, Duration.ofSeconds(10), Duration.ofMinutes(1), 0.5));
        fail(client, 2);
        assertThat(client.view("orders").ejected()).isEmpty();
        fail(client, 1);
        assertThat(client.view("orders").ejected()).containsExactly("a");
        assertThat(client.instances("orders")).extracting(ServiceInstance::id).containsExactly("b", "c", "d");

        clock.advance(Duration.ofSeconds(11));
        client.maintain();
        assertThat(client.instances("orders")).extracting(ServiceInstance::id).contains("a");

        fail(client, 3);
        assertThat(client.view("orders").ejected()).containsExactly("a");
        clock.advance(Duration.ofSeconds(11));
        client.maintain();
        assertThat(client.view("orders").ejected()).as("second ejection lasts 20 s").containsExactly("a");
        clock.advance(Duration.ofSeconds(10));
        client.maintain();
        assertThat(client.view("orders").ejected()).isEmpty();
    }

    /** Envoy checks the ejected fraction before ejecting: 0 of 3 is under 30 %, so it ejects one (33 %). */
    @Test
    void outlierEjection_envoyFractionBug_fractionCheckedAfterTheEjection() {
        register("a");
        register("b");
        register("c");
        DiscoveryClient client = client(DiscoveryClient.builder(registry).panicThreshold(0)
                .balancer(() -> pick("a"))
                .outlierEjection(2, Duration.ofSeconds(10), Duration.ofMinutes(1), 0.3));
        fail(client, 2);
        assertThat(client.view("orders").ejected()).as("1 of 3 would be 33 %, over 30 %").isEmpty();
    }

    @Test
    void outlierEjection_everyInstanceFailing_oneAlwaysRemains() {
        register("a");
        register("b");
        AtomicReference<String> target = new AtomicReference<>("a");
        DiscoveryClient client = client(DiscoveryClient.builder(registry).panicThreshold(0)
                .balancer(() -> (endpoints, key) -> endpoints.stream()
                        .filter(e -> e.instance().id().equals(target.get())).findFirst().orElse(endpoints.get(0)))
                .outlierEjection(2, Duration.ofSeconds(10), Duration.ofMinutes(1), 1.0));
        fail(client, 2);
        assertThat(client.view("orders").ejected()).containsExactly("a");
        target.set("b");
        fail(client, 2);
        assertThat(client.view("orders").ejected()).as("the last instance is never ejected").containsExactly("a");
        assertThat(client.instances("orders")).extracting(ServiceInstance::id).containsExactly("b");
    }

    private static dev.beacon.balance.LoadBalancer pick(String id) {
        return (endpoints, key) -> endpoints.stream().filter(e -> e.instance().id().equals(id)).findFirst()
                .orElse(endpoints.get(0));
    }

    private static void fail(DiscoveryClient client, int times) {
        for (int i = 0; i < times; i++) {
            try (Call call = client.begin("orders")) {
                call.failed();
            }
        }
    }

    @Test
    void begin_countsInFlightUntilClosed_andSuccessResetsFailures() {
        register("a");
        AtomicReference<List<Endpoint>> seen = new AtomicReference<>();
        DiscoveryClient client = client(DiscoveryClient.builder(registry)
                .balancer(() -> (endpoints, key) -> {
                    seen.set(endpoints);
                    return endpoints.get(0);
                }));
        Call first = client.begin("orders");
        Call second = client.begin("orders");
        assertThat(seen.get().get(0).inFlight()).isEqualTo(2);
        first.close();
        first.close();
        second.close();
        assertThat(seen.get().get(0).inFlight()).isZero();
        assertThat(seen.get().get(0).latencyNanos()).isPositive();
    }

    @Test
    void call_functionReturns_resultReturnedAndCountedAsSuccess() {
        register("a");
        register("b");
        DiscoveryClient client = client(DiscoveryClient.builder(registry).balancer(() -> pick("a"))
                .outlierEjection(2, Duration.ofSeconds(30), Duration.ofMinutes(1), 0.5));

        // No try and no throws clause: a function without checked exceptions makes call() throw none.
        String id = client.call("orders", ServiceInstance::id);
        failByCall(client, 1);
        String keyed = client.call("orders", "key-1", instance -> instance.id() + "!");
        failByCall(client, 1);

        assertThat(id).isEqualTo("a");
        assertThat(keyed).isEqualTo("a!");
        assertThat(client.view("orders").ejected()).as("each success ends the run of failures").isEmpty();
    }

    /**
     * Regression: with {@code try (Call call = client.begin(...))} an exception thrown in the block counted as a
     * success unless the caller remembered {@code failed()}; {@code call()} records it itself.
     */
    @Test
    void call_functionThrowsCheckedException_rethrownUnchangedAndCountedAsFailure() {
        register("a");
        register("b");
        DiscoveryClient client = client(DiscoveryClient.builder(registry).balancer(() -> pick("a"))
                .outlierEjection(2, Duration.ofSeconds(30), Duration.ofMinutes(1), 0.5));
        java.io.IOException refused = new java.io.IOException("connection refused");

        for (int i = 0; i < 2; i++) {
            java.io.IOException thrown = assertThrows(java.io.IOException.class,
                    () -> client.call("orders", instance -> {
                        throw refused;
                    }));
            assertThat(thrown).isSameAs(refused);
        }

        assertThat(client.view("orders").ejected()).containsExactly("a");
    }

    @Test
    void call_functionThrowsErrorOrRuntimeException_countedAsFailure() {
        register("a");
        register("b");
        DiscoveryClient client = client(DiscoveryClient.builder(registry).balancer(() -> pick("a"))
                .outlierEjection(2, Duration.ofSeconds(30), Duration.ofMinutes(1), 0.5));

        assertThrows(IllegalStateException.class, () -> client.call("orders", instance -> {
            throw new IllegalStateException("bad answer");
        }));
        assertThrows(AssertionError.class, () -> client.call("orders", instance -> {
            throw new AssertionError("broken");
        }));

        assertThat(client.view("orders").ejected()).containsExactly("a");
    }

    @Test
    void call_running_countsInFlightAndThenLatency() {
        register("a");
        AtomicReference<List<Endpoint>> seen = new AtomicReference<>();
        DiscoveryClient client = client(DiscoveryClient.builder(registry)
                .balancer(() -> (endpoints, key) -> {
                    seen.set(endpoints);
                    return endpoints.get(0);
                }));

        int inFlightDuringCall = client.call("orders", instance -> seen.get().get(0).inFlight());

        assertThat(inFlightDuringCall).isEqualTo(1);
        assertThat(seen.get().get(0).inFlight()).isZero();
        assertThat(seen.get().get(0).latencyNanos()).isPositive();
    }

    @Test
    void call_noRoutableInstance_throwsWithoutRunningTheFunction() {
        registry.register(instance("down", Status.DRAINING, Map.of()), Duration.ofMinutes(5));
        DiscoveryClient client = client(DiscoveryClient.builder(registry));
        AtomicBoolean ran = new AtomicBoolean();

        NoInstanceAvailableException e = assertThrows(NoInstanceAvailableException.class,
                () -> client.call("orders", instance -> ran.getAndSet(true)));

        assertThat(ran).isFalse();
        assertThat(e).hasMessage("no UP instance of 'orders' is registered in memory: that passes the client's "
                + "filter (known: 1)");
    }

    @Test
    void call_keyGiven_passedToTheBalancer() {
        register("a");
        List<String> keys = new ArrayList<>();
        DiscoveryClient client = client(DiscoveryClient.builder(registry).balancer(() -> (endpoints, key) -> {
            keys.add(key);
            return endpoints.get(0);
        }));

        client.call("orders", "user-7", ServiceInstance::id);
        client.call("orders", ServiceInstance::id);

        assertThat(keys).containsExactly("user-7", null);
    }

    private static void failByCall(DiscoveryClient client, int times) {
        for (int i = 0; i < times; i++) {
            assertThrows(IllegalStateException.class, () -> client.call("orders", instance -> {
                throw new IllegalStateException("refused");
            }));
        }
    }

    @Test
    void slowStart_newInstanceWeightRampsOverWindow_existingOnesAreWarm() {
        register("old");
        AtomicReference<List<Endpoint>> seen = new AtomicReference<>();
        DiscoveryClient client = client(DiscoveryClient.builder(registry).slowStart(Duration.ofSeconds(60))
                .balancer(() -> (endpoints, key) -> {
                    seen.set(endpoints);
                    return endpoints.get(0);
                }));
        client.choose("orders");
        assertThat(weights(seen.get())).containsEntry("old", 1.0);

        register("new");
        await().atMost(Duration.ofSeconds(1)).until(() -> client.instances("orders").size() == 2);
        client.choose("orders");
        assertThat(weights(seen.get()).get("new")).isCloseTo(0.1, org.assertj.core.data.Offset.offset(0.02));
        clock.advance(Duration.ofSeconds(30));
        client.maintain();
        client.choose("orders");
        assertThat(weights(seen.get()).get("new")).isCloseTo(0.55, org.assertj.core.data.Offset.offset(0.02));
        clock.advance(Duration.ofSeconds(31));
        client.maintain();
        client.choose("orders");
        assertThat(weights(seen.get())).containsEntry("new", 1.0).containsEntry("old", 1.0);
    }

    @Test
    void weight_fromMetadata() {
        registry.register(instance("heavy", Status.UP, Map.of("weight", "2")), Duration.ofMinutes(5));
        registry.register(instance("bad", Status.UP, Map.of("weight", "lots")), Duration.ofMinutes(5));
        AtomicReference<List<Endpoint>> seen = new AtomicReference<>();
        DiscoveryClient client = client(DiscoveryClient.builder(registry).balancer(() -> (endpoints, key) -> {
            seen.set(endpoints);
            return endpoints.get(0);
        }));
        client.choose("orders");
        assertThat(weights(seen.get())).containsEntry("heavy", 2.0).containsEntry("bad", 1.0);
    }

    private static Map<String, Double> weights(List<Endpoint> endpoints) {
        Map<String, Double> weights = new HashMap<>();
        endpoints.forEach(e -> weights.put(e.instance().id(), e.weight()));
        return weights;
    }

    @Test
    void registryUnavailable_keepsServingLastKnownGoodAndSaysItIsStale() {
        register("a");
        register("b");
        FlakyRegistry flaky = new FlakyRegistry(registry);
        DiscoveryClient client = client(DiscoveryClient.builder(flaky));
        assertThat(chosenIds(client, 4)).containsExactly("a", "b");
        flaky.down.set(true);
        client.refreshAll();
        int failed = 0;
        for (int i = 0; i < 1000; i++) {
            if (client.choose("orders").isEmpty()) {
                failed++;
            }
        }
        assertThat(failed).isZero();
        assertThat(client.view("orders").stale()).isTrue();
        flaky.down.set(false);
        client.refreshAll();
        assertThat(client.view("orders").stale()).isFalse();
    }

    @Test
    void registryBackEmptyAfterOutage_keepsSnapshotUntilTheNextRead_thenFollowsTheRegistry() {
        register("a");
        register("b");
        FlakyRegistry flaky = new FlakyRegistry(registry);
        DiscoveryClient client = client(DiscoveryClient.builder(flaky));
        assertThat(chosenIds(client, 4)).containsExactly("a", "b");
        flaky.down.set(true);
        client.refreshAll();
        try (InMemoryServiceRegistry restarted = new InMemoryServiceRegistry()) {
            flaky.delegate = restarted; // back, but empty: its registrants have not re-registered yet
            flaky.down.set(false);
            client.refreshAll();
            assertThat(chosenIds(client, 4)).as("after the first read of the empty registry").containsExactly("a", "b");
            assertThat(client.view("orders").stale()).isFalse();
            restarted.register(instance("a", Status.UP, Map.of()), Duration.ofMinutes(5)); // a's next heartbeat
            client.refreshAll();
            assertThat(chosenIds(client, 4)).as("after the second read: b did not come back").containsExactly("a");
        }
    }

    @Test
    void failoverCache_clientStartingDuringOutage_usesLastSnapshot(@TempDir Path cache) {
        register("a");
        client(DiscoveryClient.builder(registry).failoverCache(cache)).choose("orders");
        FlakyRegistry down = new FlakyRegistry(registry);
        down.down.set(true);
        DiscoveryClient late = client(DiscoveryClient.builder(down).failoverCache(cache));
        assertThat(late.choose("orders")).map(ServiceInstance::id).contains("a");
        assertThat(late.view("orders").stale()).isTrue();
        DiscoveryClient withoutCache = client(DiscoveryClient.builder(down));
        assertThat(withoutCache.choose("orders")).isEmpty();
    }

    @Test
    void builder_badValues_rejectedWithMessages() {
        DiscoveryClient.Builder builder = DiscoveryClient.builder(registry);
        assertThat(assertThrows(IllegalArgumentException.class, () -> builder.panicThreshold(1.5)).getMessage())
                .contains("1.5");
        assertThat(assertThrows(IllegalArgumentException.class, () -> builder.refreshInterval(Duration.ofMillis(5)))
                .getMessage()).contains("PT0.005S");
        assertThat(assertThrows(IllegalArgumentException.class, () -> builder.outlierEjection(0, Duration.ofSeconds(1),
                Duration.ofSeconds(2), 0.5)).getMessage()).contains("0");
        assertThrows(IllegalArgumentException.class, () -> builder.slowStart(Duration.ofSeconds(-1)));
    }

    /** A registry that can be switched to "unreachable". */
    static final class FlakyRegistry implements ServiceRegistry {
        final AtomicBoolean down = new AtomicBoolean();
        volatile ServiceRegistry delegate; // replaced: the registry came back as another one (restarted empty)

        FlakyRegistry(ServiceRegistry delegate) {
            this.delegate = delegate;
        }

        private void check() {
            if (down.get()) {
                throw new RegistryUnavailableException("flaky registry is down", new java.io.IOException("down"));
            }
        }

        @Override
        public void register(ServiceInstance instance, Duration ttl) {
            check();
            delegate.register(instance, ttl);
        }

        @Override
        public boolean renew(String service, String id) {
            check();
            return delegate.renew(service, id);
        }

        @Override
        public boolean deregister(String service, String id) {
            check();
            return delegate.deregister(service, id);
        }

        @Override
        public List<ServiceInstance> instances(String service) {
            check();
            return delegate.instances(service);
        }

        @Override
        public Set<String> services() {
            check();
            return delegate.services();
        }

        @Override
        public Subscription watch(String service, Consumer<RegistryEvent> listener) {
            check();
            return delegate.watch(service, listener);
        }

        @Override
        public void close() {
        }
    }

}
