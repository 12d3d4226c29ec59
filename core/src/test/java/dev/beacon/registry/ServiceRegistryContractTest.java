package dev.beacon.registry;

import dev.beacon.Maintenance;
import dev.beacon.ServiceInstance;
import dev.beacon.Status;
import dev.beacon.balance.LoadBalancer;
import dev.beacon.client.DiscoveryClient;
import dev.beacon.registry.RegistryEvent.Type;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * The behaviour every {@link ServiceRegistry} must have. An implementation's test extends this class and supplies a
 * fresh store per test, a second handle on that store, and a way to let lease time pass. The tests use only the
 * {@link ServiceRegistry} interface, so a networked registry (Redis) runs them unchanged, sleeping in
 * {@link #advance}.
 *
 * <p>Leases are {@link #TTL} long; the tests move time by fractions of it, keeping 200 ms or more away from every
 * deadline, so an implementation on the real clock passes too. Watch events are awaited (up to
 * {@link #EVENT_TIMEOUT}), because every implementation delivers them on a thread of its own, some after polling.
 */
public abstract class ServiceRegistryContractTest {

    /** The lease of the tests' registrations. */
    protected static final Duration TTL = Duration.ofSeconds(1);
    /** How long a watch event may take to arrive. */
    protected static final Duration EVENT_TIMEOUT = Duration.ofSeconds(5);

    /** The registry under test: a handle on this test's fresh, empty store. */
    protected ServiceRegistry registry;

    private final List<ServiceRegistry> handles = new ArrayList<>();

    /**
     * A handle on a new, empty store, private to the calling test. Called once per test, before it runs; the
     * contract closes it after the test.
     */
    protected abstract ServiceRegistry newRegistry();

    /**
     * Another handle on the store of the last {@link #newRegistry()}, as a second process would open it. An
     * implementation that cannot have two handles on one store (the in-memory registry) returns the same object.
     */
    protected abstract ServiceRegistry openSecondHandle();

    /**
     * Lets {@code duration} of lease time pass for every handle of this test's store: moves an injected clock, or
     * sleeps for a registry on the real clock.
     */
    protected abstract void advance(Duration duration);

    @BeforeEach
    void openRegistry() {
        registry = newRegistry();
        handles.add(registry);
    }

    @AfterEach
    void closeHandles() {
        for (ServiceRegistry handle : handles) {
            handle.close();
        }
    }

    /** A second handle on this test's store, closed after the test. */
    protected ServiceRegistry secondHandle() {
        ServiceRegistry second = openSecondHandle();
        handles.add(second);
        return second;
    }

    protected static ServiceInstance instance(String service, String id) {
        return ServiceInstance.builder(service).id(id).host("10.0.0.7").port(8080).build();
    }

    // ---- registering and reading

    @Test
    void register_newInstance_isListedByInstancesAndServices() {
        ServiceInstance orders = instance("orders", "orders-1");

        registry.register(orders, TTL);

        assertThat(registry.instances("orders")).containsExactly(orders);
        assertThat(registry.services()).containsExactly("orders");
        assertThat(registry.snapshot()).containsExactly(Map.entry("orders", List.of(orders)));
    }

    @Test
    void register_sameId_replacesStatusAndMetadata() {
        ServiceInstance first = instance("orders", "orders-1");
        ServiceInstance changed = first.toBuilder().status(Status.DRAINING).metadata("version", "2.0").build();
        registry.register(first, TTL);

        registry.register(changed, TTL);

        assertThat(registry.instances("orders")).containsExactly(changed);
    }

    @Test
    void register_sameInstanceTwice_isListedOnce() {
        ServiceInstance orders = instance("orders", "orders-1");

        registry.register(orders, TTL);
        registry.register(orders, TTL);

        assertThat(registry.instances("orders")).containsExactly(orders);
    }

    @Test
    void register_sameIdInOtherService_isSeparateInstance() {
        ServiceInstance orders = instance("orders", "node-1");
        ServiceInstance payments = instance("payments", "node-1");

        registry.register(orders, TTL);
        registry.register(payments, TTL);

        assertThat(registry.instances("orders")).containsExactly(orders);
        assertThat(registry.instances("payments")).containsExactly(payments);
    }

    @Test
    void instances_unknownService_returnsEmptyList() {
        registry.register(instance("orders", "orders-1"), TTL);

        assertThat(registry.instances("payments")).isEmpty();
    }

    @Test
    void instances_severalInstances_orderedById() {
        List<String> ids = List.of("node-7", "b", "node-10", "A", "node-1", "a", "node-b", "9", "node-a", "c-1");
        for (String id : ids) {
            registry.register(instance("orders", id), TTL);
        }

        assertThat(registry.instances("orders")).extracting(ServiceInstance::id)
                .containsExactly("9", "A", "a", "b", "c-1", "node-1", "node-10", "node-7", "node-a", "node-b");
    }

    @Test
    void instances_result_isUnmodifiable() {
        registry.register(instance("orders", "orders-1"), TTL);

        List<ServiceInstance> instances = registry.instances("orders");

        assertThrows(UnsupportedOperationException.class, () -> instances.add(instance("orders", "orders-2")));
    }

    @Test
    void services_severalServices_sortedByName() {
        registry.register(instance("zeta", "z-1"), TTL);
        registry.register(instance("alpha", "a-1"), TTL);
        registry.register(instance("mid", "m-1"), TTL);
        registry.register(instance("mid", "m-2"), TTL);

        assertThat(registry.services()).containsExactly("alpha", "mid", "zeta");
    }

    @Test
    void services_emptyRegistry_returnsEmptySet() {
        assertThat(registry.services()).isEmpty();
        assertThat(registry.snapshot()).isEmpty();
    }

    @Test
    void snapshot_severalServices_groupsInstancesSortedByServiceAndId() {
        ServiceInstance payments = instance("payments", "p-1");
        ServiceInstance orders2 = instance("orders", "o-2");
        ServiceInstance orders1 = instance("orders", "o-1");
        registry.register(payments, TTL);
        registry.register(orders2, TTL);
        registry.register(orders1, TTL);

        Map<String, List<ServiceInstance>> snapshot = registry.snapshot();

        assertThat(snapshot).containsExactly(
                Map.entry("orders", List.of(orders1, orders2)),
                Map.entry("payments", List.of(payments)));
    }

    // ---- leases

    @Test
    void register_beforeTtlHasPassed_isStillListed() {
        ServiceInstance orders = instance("orders", "orders-1");
        registry.register(orders, TTL);

        advance(TTL.minusMillis(300));

        assertThat(registry.instances("orders")).containsExactly(orders);
    }

    @Test
    void register_ttlPassedWithoutRenewal_isNeverReturned() {
        ServiceInstance expiring = instance("orders", "orders-1");
        ServiceInstance live = instance("payments", "payments-1");
        registry.register(expiring, TTL);
        registry.register(live, TTL.multipliedBy(10));

        advance(TTL.plusMillis(200));

        assertThat(registry.instances("orders")).isEmpty();
        assertThat(registry.services()).containsExactly("payments");
        assertThat(registry.snapshot()).containsExactly(Map.entry("payments", List.of(live)));
    }

    @Test
    void register_oneOfTwoExpired_returnsOnlyLiveOne() {
        ServiceInstance expiring = instance("orders", "orders-1");
        ServiceInstance live = instance("orders", "orders-2");
        registry.register(expiring, TTL);
        registry.register(live, TTL.multipliedBy(10));

        advance(TTL.plusMillis(200));

        assertThat(registry.instances("orders")).containsExactly(live);
    }

    @Test
    void register_afterExpiry_isListedAgain() {
        ServiceInstance orders = instance("orders", "orders-1");
        registry.register(orders, TTL);
        advance(TTL.plusMillis(200));

        registry.register(orders, TTL);

        assertThat(registry.instances("orders")).containsExactly(orders);
    }

    @Test
    void renew_liveInstance_extendsLeaseByTtl() {
        ServiceInstance orders = instance("orders", "orders-1");
        registry.register(orders, TTL);
        advance(TTL.multipliedBy(6).dividedBy(10));

        assertThat(registry.renew("orders", "orders-1")).isTrue();

        advance(TTL.multipliedBy(6).dividedBy(10)); // past the first deadline, before the renewed one
        assertThat(registry.instances("orders")).containsExactly(orders);
        advance(TTL.multipliedBy(6).dividedBy(10)); // past the renewed deadline
        assertThat(registry.instances("orders")).isEmpty();
    }

    @Test
    void renew_unknownService_returnsFalse() {
        assertThat(registry.renew("orders", "orders-1")).isFalse();
    }

    @Test
    void renew_unknownIdOfKnownService_returnsFalse() {
        registry.register(instance("orders", "orders-1"), TTL);

        assertThat(registry.renew("orders", "orders-2")).isFalse();
        assertThat(registry.instances("orders")).extracting(ServiceInstance::id).containsExactly("orders-1");
    }

    @Test
    void renew_expiredLease_returnsFalseAndDoesNotRevive() {
        registry.register(instance("orders", "orders-1"), TTL);
        advance(TTL.plusMillis(200));

        assertThat(registry.renew("orders", "orders-1")).isFalse();
        assertThat(registry.instances("orders")).isEmpty();
    }

    @Test
    void renew_deregisteredInstance_returnsFalseAndDoesNotRevive() {
        registry.register(instance("orders", "orders-1"), TTL);
        registry.deregister("orders", "orders-1");

        assertThat(registry.renew("orders", "orders-1")).isFalse();
        assertThat(registry.instances("orders")).isEmpty();
    }

    @Test
    void deregister_liveInstance_returnsTrueThenFalse() {
        registry.register(instance("orders", "orders-1"), TTL);

        assertThat(registry.deregister("orders", "orders-1")).isTrue();
        assertThat(registry.deregister("orders", "orders-1")).isFalse();
        assertThat(registry.instances("orders")).isEmpty();
        assertThat(registry.services()).isEmpty();
    }

    @Test
    void deregister_oneOfTwo_leavesTheOther() {
        ServiceInstance kept = instance("orders", "orders-2");
        registry.register(instance("orders", "orders-1"), TTL);
        registry.register(kept, TTL);

        registry.deregister("orders", "orders-1");

        assertThat(registry.instances("orders")).containsExactly(kept);
    }

    @Test
    void deregister_unknownInstance_returnsFalse() {
        assertThat(registry.deregister("orders", "orders-1")).isFalse();
    }

    @Test
    void deregister_expiredInstance_returnsFalse() {
        registry.register(instance("orders", "orders-1"), TTL);
        advance(TTL.plusMillis(200));

        assertThat(registry.deregister("orders", "orders-1")).isFalse();
    }

    static Stream<Arguments> invalidTtls() {
        return Stream.of(
                arguments(Duration.ofMillis(999), "'999ms'"),
                arguments(Duration.ZERO, "'0s'"),
                arguments(Duration.ofSeconds(-5), "'-5s'"),
                arguments(Duration.ofDays(1).plusMillis(1), "'86400001ms'"),
                arguments(null, "null"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidTtls")
    void register_ttlOutOfBounds_throwsNamingTtl(Duration ttl, String shown) {
        ServiceInstance orders = instance("orders", "orders-1");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> registry.register(orders, ttl));

        assertThat(e.getMessage()).isEqualTo("ttl must be between 1s and 1d, but was " + shown);
        assertThat(registry.instances("orders")).isEmpty();
    }

    @Test
    void register_ttlAtBounds_isAccepted() {
        ServiceInstance longest = instance("orders", "longest");

        assertDoesNotThrow(() -> registry.register(instance("orders", "shortest"), Duration.ofSeconds(1)));
        registry.register(longest, Duration.ofDays(1));

        // "shortest" may already have expired on a registry that runs on the real clock
        assertThat(registry.instances("orders")).contains(longest);
    }

    /** A registry call made with an invalid name; the name must appear, quoted, in the exception's message. */
    @FunctionalInterface
    protected interface Call {
        void on(ServiceRegistry registry);
    }

    static Stream<Arguments> callsWithInvalidNames() {
        return Stream.of(
                arguments("instances", "Orders", (Call) r -> r.instances("Orders")),
                arguments("instances", "", (Call) r -> r.instances("")),
                arguments("instances", "../orders", (Call) r -> r.instances("../orders")),
                arguments("renew", "Orders", (Call) r -> r.renew("Orders", "orders-1")),
                arguments("renew", "../../etc/passwd", (Call) r -> r.renew("orders", "../../etc/passwd")),
                arguments("renew", "id with space", (Call) r -> r.renew("orders", "id with space")),
                arguments("deregister", "-orders", (Call) r -> r.deregister("-orders", "orders-1")),
                arguments("deregister", "a/b", (Call) r -> r.deregister("orders", "a/b")),
                arguments("deregister", "*", (Call) r -> r.deregister("orders", "*")),
                arguments("watch", "Orders", (Call) r -> r.watch("Orders", event -> { })),
                arguments("startMaintenance", "Orders",
                        (Call) r -> r.startMaintenance("Orders", "a", MaintenanceRequest.untilLifted("", "alice"))),
                arguments("startMaintenance", "a/b",
                        (Call) r -> r.startMaintenance("orders", "a/b", MaintenanceRequest.untilLifted("", "alice"))),
                arguments("endMaintenance", "../orders", (Call) r -> r.endMaintenance("../orders", "a")),
                arguments("endMaintenance", "*", (Call) r -> r.endMaintenance("orders", "*")),
                arguments("maintenance", "", (Call) r -> r.maintenance("", "a")),
                arguments("maintenance", "id with space", (Call) r -> r.maintenance("orders", "id with space")));
    }

    @ParameterizedTest(name = "{0}(''{1}'')")
    @MethodSource("callsWithInvalidNames")
    void call_invalidName_throwsNamingValue(String method, String invalid, Call call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> call.on(registry));

        assertThat(e.getMessage()).contains("but was '" + invalid + "'");
    }

    // ---- handles

    @Test
    void secondHandle_writesOfFirst_areVisible() {
        ServiceInstance orders = instance("orders", "orders-1");
        ServiceRegistry second = secondHandle();

        registry.register(orders, TTL);

        assertThat(second.instances("orders")).containsExactly(orders);
        assertThat(second.services()).containsExactly("orders");
    }

    @Test
    void secondHandle_renewAndDeregister_actOnFirstHandlesRegistration() {
        registry.register(instance("orders", "orders-1"), TTL);
        ServiceRegistry second = secondHandle();

        assertThat(second.renew("orders", "orders-1")).isTrue();
        assertThat(second.deregister("orders", "orders-1")).isTrue();

        assertThat(registry.instances("orders")).isEmpty();
        assertThat(registry.renew("orders", "orders-1")).isFalse();
    }

    @Test
    void close_calledTwice_doesNotThrow() {
        registry.close();

        assertDoesNotThrow(registry::close);
    }

    // ---- watch

    @Test
    void watch_lifecycle_deliversRegisteredUpdatedDeregisteredExpiredOfWatchedServiceOnly() {
        Recorder events = new Recorder();
        registry.watch("orders", events);
        ServiceInstance a = instance("orders", "a");
        ServiceInstance aDown = a.withStatus(Status.DOWN);
        ServiceInstance b = instance("orders", "b");
        ServiceInstance other = instance("payments", "p-1");

        registry.register(other, TTL);
        registry.register(a, TTL);
        events.awaitEvent(Type.REGISTERED, "a");
        registry.register(aDown, TTL);
        registry.register(other.withStatus(Status.DOWN), TTL);
        events.awaitEvent(Type.UPDATED, "a");
        registry.deregister("orders", "a");
        registry.deregister("payments", "p-1");
        events.awaitEvent(Type.DEREGISTERED, "a");
        registry.register(b, TTL);
        registry.register(other, TTL);
        events.awaitEvent(Type.REGISTERED, "b");
        advance(TTL.plusMillis(200));
        events.awaitEvent(Type.EXPIRED, "b");

        assertThat(events.events()).containsExactly(
                new RegistryEvent(Type.REGISTERED, a),
                new RegistryEvent(Type.UPDATED, aDown),
                new RegistryEvent(Type.DEREGISTERED, aDown),
                new RegistryEvent(Type.REGISTERED, b),
                new RegistryEvent(Type.EXPIRED, b));
    }

    @Test
    void watch_metadataChange_deliversUpdatedWithNewInstance() {
        Recorder events = new Recorder();
        registry.watch("orders", events);
        ServiceInstance a = instance("orders", "a");
        registry.register(a, TTL);
        events.awaitEvent(Type.REGISTERED, "a");
        ServiceInstance changed = a.toBuilder().metadata("zone", "eu-1").build();

        registry.register(changed, TTL);

        events.awaitEvent(Type.UPDATED, "a");
        assertThat(events.events()).last().isEqualTo(new RegistryEvent(Type.UPDATED, changed));
    }

    @Test
    void watch_renewalAndIdenticalRegistration_deliverNoEvent() {
        Recorder events = new Recorder();
        registry.watch("orders", events);
        ServiceInstance a = instance("orders", "a");
        registry.register(a, TTL);
        events.awaitEvent(Type.REGISTERED, "a");

        registry.renew("orders", "a");
        registry.register(a, TTL);
        registry.renew("orders", "a");
        registry.register(instance("orders", "b"), TTL); // a marker that arrives after anything the renewals caused

        events.awaitEvent(Type.REGISTERED, "b");
        assertThat(events.events()).extracting(RegistryEvent::type, event -> event.instance().id())
                .containsExactly(
                        tuple(Type.REGISTERED, "a"),
                        tuple(Type.REGISTERED, "b"));
    }

    @Test
    void watch_closedSubscription_receivesNothingMore() {
        Recorder closed = new Recorder();
        Recorder open = new Recorder();
        Subscription subscription = registry.watch("orders", closed);
        registry.watch("orders", open);
        registry.register(instance("orders", "a"), TTL);
        closed.awaitEvent(Type.REGISTERED, "a");

        subscription.close();
        registry.register(instance("orders", "b"), TTL);
        registry.deregister("orders", "a");

        open.awaitEvent(Type.REGISTERED, "b");
        open.awaitEvent(Type.DEREGISTERED, "a");
        assertThat(closed.events()).extracting(event -> event.instance().id()).containsExactly("a");
    }

    @Test
    void watch_subscriptionClosedTwice_doesNotThrow() {
        Subscription subscription = registry.watch("orders", new Recorder());
        subscription.close();

        assertDoesNotThrow(subscription::close);
    }

    @Test
    void watch_afterEarlierSubscriptionClosed_deliversOnlyChangesFromNow() {
        Recorder first = new Recorder();
        Subscription subscription = registry.watch("orders", first);
        registry.register(instance("orders", "a"), TTL);
        first.awaitEvent(Type.REGISTERED, "a");
        subscription.close();
        registry.register(instance("orders", "b"), TTL);
        registry.deregister("orders", "a");

        Recorder second = new Recorder();
        registry.watch("orders", second);
        registry.register(instance("orders", "c"), TTL);

        second.awaitEvent(Type.REGISTERED, "c");
        assertThat(second.events()).extracting(RegistryEvent::type, event -> event.instance().id())
                .containsExactly(tuple(Type.REGISTERED, "c"));
    }

    @Test
    void watch_throwingListener_keepsReceivingAndOthersToo() {
        Recorder thrower = new Recorder() {
            @Override
            public void accept(RegistryEvent event) {
                super.accept(event);
                throw new IllegalStateException("listener failure for the test");
            }
        };
        Recorder bystander = new Recorder();
        registry.watch("orders", thrower);
        registry.watch("orders", bystander);

        registry.register(instance("orders", "a"), TTL);
        thrower.awaitEvent(Type.REGISTERED, "a");
        registry.register(instance("orders", "b"), TTL);

        thrower.awaitEvent(Type.REGISTERED, "b");
        bystander.awaitEvent(Type.REGISTERED, "a");
        bystander.awaitEvent(Type.REGISTERED, "b");
    }

    @Test
    void watch_changesThroughSecondHandle_areDelivered() {
        Recorder events = new Recorder();
        registry.watch("orders", events);
        ServiceRegistry second = secondHandle();
        ServiceInstance a = instance("orders", "a");

        second.register(a, TTL);
        events.awaitEvent(Type.REGISTERED, "a");
        second.deregister("orders", "a");

        events.awaitEvent(Type.DEREGISTERED, "a");
        assertThat(events.events()).containsExactly(
                new RegistryEvent(Type.REGISTERED, a),
                new RegistryEvent(Type.DEREGISTERED, a));
    }

    // ---- new services

    /** False for a registry that cannot report new services: its {@link ServiceRegistry#watchServices} throws. */
    protected boolean reportsNewServices() {
        return true;
    }

    @Test
    void watchServices_firstInstanceOfUnwatchedService_isReportedUntilClosed() {
        List<String> names = new CopyOnWriteArrayList<>();
        if (!reportsNewServices()) {
            assertThrows(UnsupportedOperationException.class, () -> registry.watchServices(names::add));
            return;
        }
        Subscription subscription = registry.watchServices(names::add);
        ServiceRegistry second = secondHandle();

        second.register(instance("billing", "b-1"), TTL);

        await("billing reported").atMost(EVENT_TIMEOUT).until(() -> names.contains("billing"));
        subscription.close();
        List<String> later = new CopyOnWriteArrayList<>();
        registry.watchServices(later::add);
        second.register(instance("payments", "p-1"), TTL);
        await("payments reported").atMost(EVENT_TIMEOUT).until(() -> later.contains("payments"));
        assertThat(names).as("calls after the subscription was closed").doesNotContain("payments");
    }

    @Test
    void watchServices_firstInstanceOfWatchedService_isReported() {
        List<String> names = new CopyOnWriteArrayList<>();
        if (!reportsNewServices()) {
            assertThrows(UnsupportedOperationException.class, () -> registry.watchServices(names::add));
            return;
        }
        Recorder events = new Recorder();
        registry.watch("orders", events);
        registry.watchServices(names::add);

        secondHandle().register(instance("orders", "o-1"), TTL);

        events.awaitEvent(Type.REGISTERED, "o-1");
        await("orders reported").atMost(EVENT_TIMEOUT).until(() -> names.contains("orders"));
    }

    /** Records the events it receives, for assertions from the test thread. */
    protected static class Recorder implements Consumer<RegistryEvent> {
        private final List<RegistryEvent> events = new CopyOnWriteArrayList<>();

        @Override
        public void accept(RegistryEvent event) {
            events.add(event);
        }

        public List<RegistryEvent> events() {
            return List.copyOf(events);
        }

        /** Waits until {@code expected} has arrived, and returns how many events had arrived then. */
        public int awaitEvent(RegistryEvent expected) {
            await("the event " + expected)
                    .atMost(EVENT_TIMEOUT)
                    .pollInterval(Duration.ofMillis(10))
                    .until(() -> events.contains(expected));
            return events.size();
        }

        /** Waits until an event of {@code type} for instance {@code id} has arrived. */
        public void awaitEvent(Type type, String id) {
            await("a " + type + " event for " + id)
                    .atMost(EVENT_TIMEOUT)
                    .pollInterval(Duration.ofMillis(10))
                    .untilAsserted(() -> assertThat(events)
                            .anySatisfy(event -> {
                                assertThat(event.type()).isEqualTo(type);
                                assertThat(event.instance().id()).isEqualTo(id);
                            }));
        }
    }

    // ---- maintenance

    private static final MaintenanceRequest KERNEL = MaintenanceRequest.untilLifted("kernel upgrade", "alice");

    @Test
    void startMaintenance_liveInstance_showsItInMaintenanceWithReasonWhoAndWhen() {
        ServiceInstance a = instance("orders", "a");
        ServiceInstance b = instance("orders", "b");
        registry.register(a, TTL);
        registry.register(b, TTL);

        Maintenance m = registry.startMaintenance("orders", "a",
                MaintenanceRequest.lasting("kernel upgrade", "alice", Duration.ofMinutes(30))).orElseThrow();

        assertThat(m.reason()).isEqualTo("kernel upgrade");
        assertThat(m.by()).isEqualTo("alice");
        assertThat(m.since()).isBetween(Instant.now().minusSeconds(60), Instant.now().plusSeconds(60));
        assertThat(m.until()).contains(m.since().plus(Duration.ofMinutes(30)));
        ServiceInstance shown = a.inMaintenance(m);
        assertThat(shown.status()).isEqualTo(Status.MAINTENANCE);
        assertThat(registry.instances("orders")).containsExactly(shown, b);
        assertThat(registry.leases("orders")).extracting(Lease::instance).containsExactly(shown, b);
        assertThat(registry.snapshot()).containsExactly(Map.entry("orders", List.of(shown, b)));
        assertThat(registry.services()).containsExactly("orders");
        assertThat(registry.maintenance("orders", "a")).contains(m);
        assertThat(registry.maintenance("orders", "b")).isEmpty();
        ServiceRegistry second = secondHandle();
        assertThat(second.instances("orders")).containsExactly(shown, b);
        assertThat(second.maintenance("orders", "a")).contains(m);
    }

    @Test
    void startMaintenance_noLiveInstance_returnsEmptyAndRecordsNothing() {
        assertThat(registry.startMaintenance("orders", "a", KERNEL)).isEmpty(); // unknown service
        registry.register(instance("orders", "b"), TTL);
        assertThat(registry.startMaintenance("orders", "a", KERNEL)).isEmpty(); // unknown id
        registry.deregister("orders", "b");
        assertThat(registry.startMaintenance("orders", "b", KERNEL)).isEmpty(); // deregistered
        registry.register(instance("orders", "c"), TTL);
        advance(TTL.plusMillis(200));
        assertThat(registry.startMaintenance("orders", "c", KERNEL)).isEmpty(); // expired

        for (String id : List.of("a", "b", "c")) {
            registry.register(instance("orders", id), TTL);
            assertThat(registry.maintenance("orders", id)).as(id).isEmpty();
        }
        assertThat(registry.instances("orders")).extracting(ServiceInstance::status)
                .containsExactly(Status.UP, Status.UP, Status.UP);
    }

    @Test
    void maintenance_renewalsAndReRegistrations_leaveItInForce() {
        ServiceInstance a = instance("orders", "a");
        registry.register(a, TTL);
        Maintenance m = registry.startMaintenance("orders", "a", KERNEL).orElseThrow();
        advance(TTL.multipliedBy(6).dividedBy(10));

        assertThat(registry.renew("orders", "a")).isTrue();
        assertThat(registry.instances("orders")).containsExactly(a.inMaintenance(m));
        ServiceInstance changed = a.toBuilder().status(Status.DOWN).metadata("version", "2.0").build();
        registry.register(changed, TTL);
        advance(TTL.multipliedBy(6).dividedBy(10)); // past the first lease's deadline

        assertThat(registry.instances("orders")).containsExactly(changed.inMaintenance(m));
        assertThat(registry.maintenance("orders", "a")).contains(m);
    }

    @Test
    void maintenance_instanceDeregisteredOrExpired_comesBackInMaintenanceWithTheSameId() {
        ServiceInstance a = instance("orders", "a");
        registry.register(a, TTL);
        Maintenance m = registry.startMaintenance("orders", "a", KERNEL).orElseThrow();

        assertThat(registry.deregister("orders", "a")).isTrue(); // the app stopped
        assertThat(registry.instances("orders")).isEmpty();
        assertThat(registry.maintenance("orders", "a")).as("kept while the instance is gone").contains(m);
        registry.register(a, TTL); // the app started again with the same id
        assertThat(registry.instances("orders")).containsExactly(a.inMaintenance(m));

        advance(TTL.plusMillis(200)); // the app was killed
        assertThat(registry.instances("orders")).isEmpty();
        registry.register(a, TTL);
        assertThat(registry.instances("orders")).containsExactly(a.inMaintenance(m));
    }

    @Test
    void startMaintenance_again_keepsItsStartAndTakesTheNewReasonWhoAndDeadline() {
        registry.register(instance("orders", "a"), TTL.multipliedBy(10));
        Maintenance first = registry.startMaintenance("orders", "a",
                MaintenanceRequest.untilLifted("first", "alice")).orElseThrow();
        advance(Duration.ofMillis(300));

        Maintenance second = registry.startMaintenance("orders", "a",
                MaintenanceRequest.lasting("second", "bob", Duration.ofHours(1))).orElseThrow();

        assertThat(second.since()).isEqualTo(first.since());
        assertThat(second.reason()).isEqualTo("second");
        assertThat(second.by()).isEqualTo("bob");
        assertThat(second.until()).hasValueSatisfying(until ->
                assertThat(until).isAfter(first.since().plus(Duration.ofHours(1))));
        assertThat(registry.maintenance("orders", "a")).contains(second);
    }

    @Test
    void endMaintenance_showsTheRegisteredStatusAgain_trueThenFalse() {
        ServiceInstance a = instance("orders", "a");
        registry.register(a, TTL);
        assertThat(registry.startMaintenance("orders", "a", KERNEL)).isPresent();
        ServiceInstance down = a.withStatus(Status.DOWN);
        registry.register(down, TTL); // a health check marked it down meanwhile

        assertThat(registry.endMaintenance("orders", "a")).isTrue();

        assertThat(registry.instances("orders")).containsExactly(down);
        assertThat(registry.maintenance("orders", "a")).isEmpty();
        assertThat(registry.endMaintenance("orders", "a")).isFalse();
        assertThat(registry.endMaintenance("orders", "never-registered")).isFalse();
        assertThat(registry.endMaintenance("payments", "a")).isFalse();
    }

    @Test
    void endMaintenance_ofAnInstanceThatIsGone_liftsItForItsReturn() {
        ServiceInstance a = instance("orders", "a");
        registry.register(a, TTL);
        assertThat(registry.startMaintenance("orders", "a", KERNEL)).isPresent();
        registry.deregister("orders", "a");

        assertThat(registry.endMaintenance("orders", "a")).isTrue();

        registry.register(a, TTL);
        assertThat(registry.instances("orders")).containsExactly(a);
    }

    @Test
    void maintenance_withDeadline_endsByItselfAtIt() {
        ServiceInstance a = instance("orders", "a");
        registry.register(a, TTL.multipliedBy(10));
        Maintenance m = registry.startMaintenance("orders", "a",
                MaintenanceRequest.lasting("deploy", "ci", Duration.ofSeconds(2))).orElseThrow();

        advance(Duration.ofMillis(1700));
        assertThat(registry.instances("orders")).containsExactly(a.inMaintenance(m));
        advance(Duration.ofMillis(600));

        assertThat(registry.instances("orders")).containsExactly(a);
        assertThat(registry.maintenance("orders", "a")).isEmpty();
        assertThat(registry.endMaintenance("orders", "a")).as("nothing left to lift").isFalse();
    }

    @Test
    void register_instanceShownInMaintenance_isRefusedAndItsOwnStatusIsNot() {
        registry.register(instance("orders", "a"), TTL);
        Maintenance m = registry.startMaintenance("orders", "a", KERNEL).orElseThrow();
        ServiceInstance shown = registry.instances("orders").get(0);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> registry.register(shown, TTL));

        assertThat(e.getMessage()).contains("orders/a", "in maintenance", "withStatus");
        registry.register(shown.withStatus(Status.DRAINING), TTL);
        assertThat(registry.instances("orders"))
                .containsExactly(instance("orders", "a").withStatus(Status.DRAINING).inMaintenance(m));
    }

    @Test
    void watch_maintenanceStartedLiftedAndEnded_deliversUpdatedEvents() {
        Recorder events = new Recorder();
        registry.watch("orders", events);
        ServiceInstance a = instance("orders", "a");
        registry.register(a, TTL.multipliedBy(10));
        events.awaitEvent(new RegistryEvent(Type.REGISTERED, a));

        Maintenance m = registry.startMaintenance("orders", "a", KERNEL).orElseThrow();
        events.awaitEvent(new RegistryEvent(Type.UPDATED, a.inMaintenance(m)));
        registry.endMaintenance("orders", "a");
        int lifted = events.awaitEvent(new RegistryEvent(Type.UPDATED, a));
        Maintenance timed = registry.startMaintenance("orders", "a",
                MaintenanceRequest.lasting("deploy", "ci", Duration.ofSeconds(1))).orElseThrow();
        events.awaitEvent(new RegistryEvent(Type.UPDATED, a.inMaintenance(timed)));
        advance(Duration.ofMillis(1300));

        await("the event of the maintenance's end").atMost(EVENT_TIMEOUT).pollInterval(Duration.ofMillis(10))
                .until(() -> events.events().size() > lifted + 1);
        assertThat(events.events()).containsExactly(
                new RegistryEvent(Type.REGISTERED, a),
                new RegistryEvent(Type.UPDATED, a.inMaintenance(m)),
                new RegistryEvent(Type.UPDATED, a),
                new RegistryEvent(Type.UPDATED, a.inMaintenance(timed)),
                new RegistryEvent(Type.UPDATED, a));
    }

    @Test
    void watch_instanceInMaintenanceLeavesAndComesBack_eventsShowItInMaintenance() {
        ServiceInstance a = instance("orders", "a");
        registry.register(a, TTL);
        Maintenance m = registry.startMaintenance("orders", "a", KERNEL).orElseThrow();
        Recorder events = new Recorder();
        registry.watch("orders", events);

        registry.deregister("orders", "a");
        events.awaitEvent(Type.DEREGISTERED, "a");
        registry.register(a, TTL);
        events.awaitEvent(Type.REGISTERED, "a");
        ServiceInstance changed = a.toBuilder().metadata("version", "2.0").build();
        registry.register(changed, TTL);
        events.awaitEvent(Type.UPDATED, "a");

        assertThat(events.events()).containsExactly(
                new RegistryEvent(Type.DEREGISTERED, a.inMaintenance(m)),
                new RegistryEvent(Type.REGISTERED, a.inMaintenance(m)),
                new RegistryEvent(Type.UPDATED, changed.inMaintenance(m)));
    }

    @Test
    void discoveryClient_neverChoosesAnInstanceInMaintenance_whateverItsBalancer() {
        ServiceInstance a = instance("orders", "a");
        ServiceInstance b = instance("orders", "b");
        registry.register(a, TTL.multipliedBy(20));
        registry.register(b, TTL.multipliedBy(20));
        try (DiscoveryClient watching = DiscoveryClient.builder(registry).build()) {
            assertThat(watching.choose("orders")).isPresent(); // loaded and watching

            assertThat(registry.startMaintenance("orders", "a", KERNEL)).isPresent();

            await("the client's view without a").atMost(EVENT_TIMEOUT).pollInterval(Duration.ofMillis(10))
                    .until(() -> watching.view("orders").routable().equals(List.of(b)));
            assertThat(chosenIds(watching, 50)).containsExactly("b");
            for (String strategy : LoadBalancer.NAMES) {
                try (DiscoveryClient fresh = DiscoveryClient.builder(registry)
                        .balancer(() -> LoadBalancer.named(strategy)).build()) {
                    assertThat(chosenIds(fresh, 20)).as(strategy).containsExactly("b");
                }
            }

            assertThat(registry.startMaintenance("orders", "b", KERNEL)).isPresent(); // no panic routing to either
            await("the client's view without b").atMost(EVENT_TIMEOUT).pollInterval(Duration.ofMillis(10))
                    .until(() -> watching.view("orders").routable().isEmpty());
            assertThat(watching.choose("orders")).isEmpty();

            registry.endMaintenance("orders", "a");
            registry.endMaintenance("orders", "b");
            await("a and b chosen again").atMost(EVENT_TIMEOUT).pollInterval(Duration.ofMillis(10))
                    .until(() -> watching.view("orders").routable().equals(List.of(a, b)));
        }
    }

    private static Set<String> chosenIds(DiscoveryClient client, int picks) {
        Set<String> ids = new TreeSet<>();
        for (int i = 0; i < picks; i++) {
            client.choose("orders", "key-" + i).ifPresent(instance -> ids.add(instance.id()));
        }
        return ids;
    }

    @Test
    void leaseSnapshot_everyServiceWithItsLiveLeases_asLeasesAndSnapshotTellThem() {
        registry.register(instance("orders", "b"), TTL);
        registry.register(instance("orders", "a"), TTL);
        registry.register(instance("billing", "x"), TTL);
        registry.register(instance("gone", "g"), TTL);
        registry.deregister("gone", "g");

        Map<String, List<Lease>> all = registry.leaseSnapshot();

        assertThat(all.keySet()).containsExactly("billing", "orders");
        assertThat(all.get("orders")).isEqualTo(registry.leases("orders"));
        assertThat(all.get("billing")).isEqualTo(registry.leases("billing"));
        assertThat(all.get("orders")).extracting(lease -> lease.instance().id()).containsExactly("a", "b");
        assertThat(registry.snapshot()).containsExactly(
                Map.entry("billing", List.of(instance("billing", "x"))),
                Map.entry("orders", List.of(instance("orders", "a"), instance("orders", "b"))));
        advance(TTL.plusMillis(300));
        assertThat(registry.leaseSnapshot()).isEmpty();
        assertThat(registry.snapshot()).isEmpty();
    }

    @Test
    void leases_reportLastHeartbeatAndDeadlineOfLiveInstances() {
        ServiceInstance a = instance("orders", "a");
        registry.register(a, TTL);
        List<Lease> leases = registry.leases("orders");
        assertThat(leases).extracting(Lease::instance).containsExactly(a);
        Lease lease = leases.get(0);
        assertThat(Duration.between(lease.renewedAt(), lease.expiresAt())).isEqualTo(TTL);
        advance(TTL.dividedBy(2));
        assertThat(registry.renew("orders", "a")).isTrue();
        assertThat(registry.leases("orders").get(0).renewedAt()).isAfter(lease.renewedAt());
        advance(TTL.plusMillis(300));
        assertThat(registry.leases("orders")).isEmpty();
    }

}
