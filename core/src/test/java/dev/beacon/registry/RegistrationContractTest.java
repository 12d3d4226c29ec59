package dev.beacon.registry;

import dev.beacon.ServiceInstance;
import dev.beacon.Status;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * What a {@link Registration} does on every registry, on the real clock: a subclass per registry supplies a fresh
 * store, a second handle on it (the view of another process), and a way to take the store away and bring it back
 * (a real outage where the registry has one: a killed {@code redis-server}, a registry directory gone). Leases are
 * {@link #TTL} (1 s, the shortest allowed), so the heartbeat is every 333 ms; bounds on how soon something happens
 * allow {@link #SLACK} for a busy machine.
 */
public abstract class RegistrationContractTest {

    /** The lease of the tests' registrations; the heartbeat is a third of it. */
    protected static final Duration TTL = Duration.ofSeconds(1);
    protected static final Duration HEARTBEAT = TTL.dividedBy(3);
    /** What a bound on time allows beyond the heartbeat, for a loaded machine. */
    protected static final Duration SLACK = Duration.ofMillis(1_500);

    private static final AtomicInteger IDS = new AtomicInteger();

    /** The handle the registrations use; closed after the test. */
    protected ServiceRegistry registry;
    private ServiceRegistry observer;
    private final List<Registration> registrations = new ArrayList<>();
    private ServiceInstance instance;

    /** A handle on a new, empty store, private to the calling test, on the real clock. */
    protected abstract ServiceRegistry newRegistry();

    /** Another handle on the store of the last {@link #newRegistry()}, as another process would open it. */
    protected abstract ServiceRegistry openSecondHandle();

    /** Takes the store away: from now on calls through {@link #registry} fail until {@link #restoreRegistry()}. */
    protected abstract void breakRegistry() throws Exception;

    /** Brings the store back after {@link #breakRegistry()}; it may come back empty (a restarted Redis). */
    protected abstract void restoreRegistry() throws Exception;

    /**
     * How long one call may take to fail while the store is away; a call made just before it came back delays the
     * next attempt by that much. Default zero: the call fails at once (connection refused, a missing directory).
     */
    protected Duration failingCall() {
        return Duration.ZERO;
    }

    @BeforeEach
    void open() {
        registry = newRegistry();
        observer = openSecondHandle();
        instance = ServiceInstance.builder("orders").id("orders-" + IDS.incrementAndGet()).host("10.0.0.7").port(8080)
                .metadata("version", "1.4").build();
    }

    @AfterEach
    void closeAll() {
        registrations.forEach(Registration::close);
        if (observer != registry) {
            observer.close();
        }
        registry.close();
    }

    private Registration start(ServiceInstance what) {
        Registration registration = Registration.start(registry, what, TTL);
        registrations.add(registration);
        return registration;
    }

    /** What another process sees of this test's service. */
    private List<ServiceInstance> listed() {
        return observer.instances("orders");
    }

    private String threadName() {
        return "beacon-registration-" + instance.service() + "-" + instance.id();
    }

    private boolean threadAlive() {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(thread -> thread.getName().equals(threadName()) && thread.isAlive());
    }

    /** Waits until the instance is listed, up to {@code bound}; returns how long that took. */
    private Duration awaitListed(ServiceInstance expected, Duration bound) {
        long from = System.nanoTime();
        await().atMost(bound).pollInterval(Duration.ofMillis(10)).ignoreExceptions()
                .until(() -> listed().contains(expected));
        return Duration.ofNanos(System.nanoTime() - from);
    }

    // ---- registering and keeping it

    @Test
    void start_reachableRegistry_listedWhenStartReturns() {
        start(instance);

        assertThat(listed()).containsExactly(instance);
        assertThat(threadAlive()).as("its thread runs").isTrue();
    }

    @Test
    void start_severalTtls_stillListedThroughout() throws InterruptedException {
        start(instance);

        long end = System.nanoTime() + TTL.multipliedBy(4).toNanos();
        int reads = 0;
        while (System.nanoTime() < end) {
            assertThat(listed()).as("read %d, %d ms after start", reads, reads * 50).containsExactly(instance);
            reads++;
            Thread.sleep(50);
        }
        assertThat(reads).isGreaterThan(20);
    }

    @Test
    void start_entryRemovedBehindItsBack_registeredAgainWithinAHeartbeat() {
        start(instance);

        observer.deregister(instance.service(), instance.id());
        Duration back = awaitListed(instance, HEARTBEAT.plus(SLACK));

        System.out.printf("%s: removed behind its back, listed again after %d ms (heartbeat %d ms)%n",
                getClass().getSimpleName(), back.toMillis(), HEARTBEAT.toMillis());
    }

    @Test
    void start_registryAwayLongerThanTheTtlAndBack_listedAgainWithinAHeartbeatOfItsReturn() throws Exception {
        start(instance);

        breakRegistry();
        Thread.sleep(TTL.plusMillis(500).toMillis()); // the lease runs out meanwhile, or the store is gone
        restoreRegistry();
        Duration back = awaitListed(instance, HEARTBEAT.plus(SLACK).plus(failingCall()));

        System.out.printf("%s: registry back, listed again after %d ms (heartbeat %d ms)%n",
                getClass().getSimpleName(), back.toMillis(), HEARTBEAT.toMillis());
        assertThat(listed()).containsExactly(instance);
    }

    @Test
    void start_registryAwayAtStart_doesNotThrowAndRegistersWhenItComesBack() throws Exception {
        breakRegistry();
        Registration registration = assertDoesNotThrow(() -> start(instance));
        Thread.sleep(HEARTBEAT.multipliedBy(2).toMillis());

        restoreRegistry();

        awaitListed(instance, HEARTBEAT.plus(SLACK).plus(failingCall()));
        assertThat(registration.instance()).isEqualTo(instance);
    }

    // ---- changing it

    @Test
    void update_newStatusAndPort_listedWhenUpdateReturns() {
        Registration registration = start(instance);
        ServiceInstance changed = instance.toBuilder().status(Status.DOWN).port(9090).build();

        registration.update(changed);

        assertThat(listed()).containsExactly(changed);
        assertThat(registration.instance()).isEqualTo(changed);
    }

    @Test
    void update_newId_replacesTheOldEntry() {
        Registration registration = start(instance);
        ServiceInstance renamed = instance.toBuilder().id(instance.id() + "-b").build();

        registration.update(renamed);

        assertThat(listed()).containsExactly(renamed);
        registration.close();
        assertThat(listed()).isEmpty();
    }

    @Test
    void update_registryAway_doesNotThrowAndTheLatestIsListedWhenItComesBack() throws Exception {
        Registration registration = start(instance);
        breakRegistry();
        registration.update(instance.toBuilder().status(Status.DRAINING).build());
        ServiceInstance latest = instance.toBuilder().status(Status.DOWN).build();
        registration.update(latest);

        restoreRegistry();

        awaitListed(latest, HEARTBEAT.plus(SLACK).plus(failingCall()));
    }

    // ---- closing

    @Test
    void close_deregistersBeforeReturningAndLeavesNoThread() {
        Registration registration = start(instance);

        long from = System.nanoTime();
        registration.close();
        Duration took = Duration.ofNanos(System.nanoTime() - from);

        assertThat(listed()).isEmpty();
        assertThat(threadAlive()).as("thread " + threadName() + " after close").isFalse();
        assertThat(took).as("close").isLessThan(Duration.ofMillis(500));
    }

    @Test
    void close_twice_secondReturnsAtOnceAndDoesNotTouchTheRegistry() {
        Registration registration = start(instance);
        registration.close();
        observer.register(instance, TTL); // someone else's registration under the same id, after the close

        long from = System.nanoTime();
        registration.close();
        Duration took = Duration.ofNanos(System.nanoTime() - from);

        assertThat(listed()).as("left alone").containsExactly(instance);
        assertThat(took).isLessThan(Duration.ofMillis(50));
    }

    @Test
    void close_registryAway_returnsWithoutThrowingAndLeavesNoThread() throws Exception {
        Registration registration = start(instance);
        breakRegistry();
        Duration took;
        try {
            long from = System.nanoTime();
            assertDoesNotThrow(registration::close);
            took = Duration.ofNanos(System.nanoTime() - from);
        } finally {
            restoreRegistry();
        }

        System.out.printf("%s: close with the registry away took %d ms%n", getClass().getSimpleName(),
                took.toMillis());
        // as long as the registry takes to fail one call, not the ttl or longer
        assertThat(took).as("close").isLessThan(Duration.ofSeconds(2).plus(failingCall()));
        assertThat(threadAlive()).isFalse();
    }

    @Test
    void close_manyRegistrations_noThreadLeft() {
        List<Registration> many = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            many.add(start(instance.toBuilder().id(instance.id() + "-" + i).build()));
        }
        assertThat(listed()).hasSize(20);

        many.forEach(Registration::close);

        assertThat(listed()).isEmpty();
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(thread -> thread.isAlive()
                && thread.getName().startsWith(threadName() + "-"));
    }

    @Test
    void update_afterClose_throwsNamingTheInstance() {
        Registration registration = start(instance);
        registration.close();

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> registration.update(instance));

        assertThat(e).hasMessage("the registration of orders id=" + instance.id() + " is closed");
        assertThat(listed()).isEmpty();
    }

    // ---- the listener

    @Test
    void listener_toldOfEachRegistrationAndTheDeregistration() {
        List<String> events = new CopyOnWriteArrayList<>();
        Registration registration = Registration.builder(registry, instance).ttl(TTL)
                .listener(new Registration.Listener() {
                    @Override
                    public void registered(ServiceInstance registered) {
                        events.add("registered " + registered.status());
                    }

                    @Override
                    public void deregistered(ServiceInstance deregistered) {
                        events.add("deregistered " + deregistered.status());
                    }
                }).start();
        registrations.add(registration);

        registration.update(instance.toBuilder().status(Status.DOWN).build());
        observer.deregister(instance.service(), instance.id());
        await().atMost(HEARTBEAT.plus(SLACK)).until(() -> events.size() == 3);
        registration.close();

        assertThat(events).containsExactly("registered UP", "registered DOWN", "registered DOWN", "deregistered DOWN");
    }
}
