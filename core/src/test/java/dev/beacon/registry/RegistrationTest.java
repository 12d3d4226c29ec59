package dev.beacon.registry;

import dev.beacon.RegistryUnavailableException;
import dev.beacon.ServiceInstance;
import dev.beacon.testing.SwitchableRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** What {@link Registration} does beyond the contract every registry runs ({@link RegistrationContractTest}). */
class RegistrationTest {

    private static final Duration TTL = Duration.ofSeconds(1);
    private final InMemoryServiceRegistry memory = new InMemoryServiceRegistry();
    private final SwitchableRegistry registry = new SwitchableRegistry(memory);
    private final ServiceInstance orders = ServiceInstance.builder("orders").id("orders-1").host("10.0.0.7").port(8080)
            .build();

    @AfterEach
    void closeRegistry() {
        memory.close();
    }

    // ---- settings

    @Test
    void start_ttlBelowOneSecond_throwsBeforeAnyCall() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Registration.start(registry, orders, Duration.ofMillis(500)));

        assertThat(e).hasMessage("ttl must be between 1s and 1d, but was '500ms'");
        assertThat(registry.calls()).isZero();
    }

    @Test
    void start_heartbeatNotShorterThanTheTtl_throwsBeforeAnyCall() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Registration
                .builder(registry, orders).ttl(Duration.ofSeconds(3)).heartbeat(Duration.ofSeconds(3)).start());

        assertThat(e).hasMessage("heartbeat must be at least 100ms and shorter than the ttl (3s), but was 3s");
        assertThat(registry.calls()).isZero();
    }

    @Test
    void start_heartbeatBelow100ms_throws() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Registration
                .builder(registry, orders).heartbeat(Duration.ofMillis(50)).start());

        assertThat(e).hasMessage("heartbeat must be at least 100ms and shorter than the ttl (9s), but was 50ms");
    }

    @Test
    void start_givenHeartbeat_renewsAtThatPace() throws InterruptedException {
        try (Registration registration = Registration.builder(registry, orders).ttl(Duration.ofSeconds(10))
                .heartbeat(Duration.ofMillis(100)).start()) {
            Thread.sleep(1_050);

            assertThat(registry.renews.get()).as("renewals in 1 s at 100 ms").isBetween(5, 11);
            assertThat(registration.instance()).isEqualTo(orders);
        }
    }

    @Test
    void toString_namesTheInstanceAndTheRegistry() {
        Registration registration = Registration.start(registry, orders, TTL);
        assertThat(registration).hasToString("Registration[orders id=orders-1 in memory:]");

        registration.close();

        assertThat(registration).hasToString("Registration[orders id=orders-1 in memory:, closed]");
    }

    // ---- threads

    @Test
    void start_firstRegistration_madeOnTheCallingThread() {
        List<String> threads = new CopyOnWriteArrayList<>();
        try (Registration ignored = Registration.builder(registry, orders).ttl(TTL)
                .listener(new Registration.Listener() {
                    @Override
                    public void registered(ServiceInstance instance) {
                        threads.add(Thread.currentThread().getName());
                    }
                }).start()) {
            assertThat(threads).containsExactly(Thread.currentThread().getName());
        }
    }

    /** An interrupt left set would make every park return at once: the thread would renew in a tight loop. */
    @Test
    void thread_interrupted_keepsItsPaceAndItsRegistration() throws InterruptedException {
        try (Registration ignored = Registration.start(registry, orders, TTL)) {
            Thread thread = registrationThread();

            thread.interrupt();
            Thread.sleep(700);

            assertThat(registry.renews.get()).as("renewals in 700 ms at 333 ms").isBetween(1, 3);
            assertThat(thread.isAlive()).isTrue();
            assertThat(memory.instances("orders")).containsExactly(orders);
        }
    }

    @Test
    void close_fromTheListener_deregistersAndEnds() {
        Registration[] self = new Registration[1];
        CountDownLatch closedByListener = new CountDownLatch(1);
        self[0] = Registration.builder(registry, orders).ttl(TTL).listener(new Registration.Listener() {
            @Override
            public void registered(ServiceInstance instance) {
                if (self[0] != null) { // the re-registration after the lease was lost, on the registration's thread
                    self[0].close();
                    closedByListener.countDown();
                }
            }
        }).start();
        Thread thread = registrationThread();

        memory.deregister("orders", "orders-1");

        await().atMost(Duration.ofSeconds(3)).until(() -> closedByListener.getCount() == 0 && !thread.isAlive());
        assertThat(memory.instances("orders")).isEmpty();
    }

    @Test
    void close_whileARenewalHangs_returnsAfterTwoSecondsAndDeregistersWhenTheCallReturns() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Registration registration = Registration.builder(registry, orders).ttl(Duration.ofSeconds(10))
                .heartbeat(Duration.ofMillis(200)).start(); // the lease outlives the hanging call
        registry.failure = () -> {
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new RegistryUnavailableException("registry memory: timed out (test)", null);
        };
        registry.failing = true;
        assertThat(entered.await(5, TimeUnit.SECONDS)).as("a renewal started").isTrue();
        Thread thread = registrationThread();

        long from = System.nanoTime();
        registration.close();
        long tookMillis = (System.nanoTime() - from) / 1_000_000;

        assertThat(tookMillis).isBetween(1_900L, 3_000L);
        assertThat(memory.instances("orders")).as("not yet: the renewal still runs").containsExactly(orders);

        registry.failing = false;
        release.countDown();

        await().atMost(Duration.ofSeconds(3)).until(() -> !thread.isAlive());
        assertThat(memory.instances("orders")).isEmpty();
    }

    private static Thread registrationThread() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("beacon-registration-orders-orders-1") && t.isAlive())
                .findFirst().orElseThrow();
    }
}
