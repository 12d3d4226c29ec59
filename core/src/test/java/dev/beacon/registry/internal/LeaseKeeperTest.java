package dev.beacon.registry.internal;

import dev.beacon.ServiceInstance;
import dev.beacon.Status;
import dev.beacon.registry.InMemoryServiceRegistry;
import dev.beacon.testing.SwitchableRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Drives the keeper by hand with a fake monotonic time: no thread, no sleeping. The registry's own clock stands
 * still, so leases never run out on their own. The ttl is 3 s, so the heartbeat is every 1000 ms and the backoff runs
 * from 200 ms (50-100% jitter) up to 1000 ms.
 */
class LeaseKeeperTest {

    private static final long T0 = 1_000_000;
    private static final long HEARTBEAT = 1000;
    private static final Duration TTL = Duration.ofSeconds(3);
    private static final ServiceInstance ORDERS = ServiceInstance.builder("orders").id("orders-1").host("10.0.0.1")
            .port(8080).build();

    private final InMemoryServiceRegistry memory = new InMemoryServiceRegistry(
            Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC), Duration.ofMillis(100));
    private final SwitchableRegistry registry = new SwitchableRegistry(memory);
    private final RecordingLogger log = new RecordingLogger();
    private final List<ServiceInstance> told = new CopyOnWriteArrayList<>();
    private final LeaseKeeper keeper = new LeaseKeeper(registry, ORDERS, TTL, Duration.ofMillis(HEARTBEAT), log,
            told::add);

    @AfterEach
    void close() {
        memory.close();
    }

    private List<ServiceInstance> registered() {
        return memory.instances("orders");
    }

    @Test
    void step_first_registersAndTellsTheListener() {
        long next = keeper.step(T0);

        assertThat(registered()).containsExactly(ORDERS);
        assertThat(keeper.registered()).isEqualTo(ORDERS);
        assertThat(told).containsExactly(ORDERS);
        assertThat(next).as("next step: the heartbeat").isEqualTo(T0 + HEARTBEAT);
        assertThat(log.lines).isEmpty();
    }

    @Test
    void step_beforeTheHeartbeat_callsNothing() {
        keeper.step(T0);

        for (long t = T0 + 1; t < T0 + HEARTBEAT; t += 50) {
            keeper.step(t);
        }

        assertThat(registry.calls()).isEqualTo(1);
    }

    @Test
    void step_heartbeatPeriodElapsed_renewsOncePerPeriod() {
        keeper.step(T0);

        keeper.step(T0 + HEARTBEAT - 1);
        assertThat(registry.renews.get()).isZero();

        keeper.step(T0 + HEARTBEAT);
        assertThat(registry.renews.get()).isEqualTo(1);

        keeper.step(T0 + HEARTBEAT + 500);
        keeper.step(T0 + 2 * HEARTBEAT - 1);
        assertThat(registry.renews.get()).isEqualTo(1);

        keeper.step(T0 + 2 * HEARTBEAT);
        assertThat(registry.renews.get()).isEqualTo(2);
        assertThat(registry.registers.get()).isEqualTo(1);
        assertThat(registered()).hasSize(1);
        assertThat(told).as("a renewal is not a registration").hasSize(1);
    }

    @Test
    void step_longPause_renewsOnceNotOncePerMissedPeriod() {
        keeper.step(T0);

        keeper.step(T0 + 10 * HEARTBEAT);

        assertThat(registry.renews.get()).isEqualTo(1);
    }

    @Test
    void step_leaseLost_registersAgainAtNextHeartbeatWithOneInfoLine() {
        keeper.step(T0);

        memory.deregister("orders", "orders-1");
        keeper.step(T0 + HEARTBEAT / 2);

        assertThat(registered()).as("found out only by the heartbeat").isEmpty();

        keeper.step(T0 + HEARTBEAT);

        assertThat(registered()).containsExactly(ORDERS);
        assertThat(registry.registers.get()).isEqualTo(2);
        assertThat(registry.renews.get()).isEqualTo(1);
        assertThat(told).containsExactly(ORDERS, ORDERS);
        assertThat(log.lines).containsExactly("INFO lease of orders-1 was lost (expired, or the registry was emptied); "
                + "registered again");
    }

    /** Regression (agent): the deadlines started at 0, so a monotonic clock reading below 0 never registered. */
    @Test
    void step_negativeMonotonicTime_registersAndRenews() {
        long start = -5_000_000_000L;

        keeper.step(start);

        assertThat(registered()).hasSize(1);

        keeper.step(start + HEARTBEAT);

        assertThat(registry.renews.get()).isEqualTo(1);
    }

    // ---- changes

    @Test
    void want_newStatus_registeredAtTheNextStepWithoutWaitingForTheHeartbeat() {
        keeper.step(T0);
        ServiceInstance down = ORDERS.toBuilder().status(Status.DOWN).build();

        keeper.want(down);
        long next = keeper.step(T0 + 10);

        assertThat(registered()).containsExactly(down);
        assertThat(told).containsExactly(ORDERS, down);
        assertThat(next).as("a registration counts as a renewal").isEqualTo(T0 + 10 + HEARTBEAT);
        assertThat(registry.deregisters.get()).isZero();
    }

    @Test
    void want_otherId_deregistersTheOldOne() {
        keeper.step(T0);
        ServiceInstance other = ORDERS.toBuilder().id("orders-2").build();

        keeper.want(other);
        keeper.step(T0 + 10);

        assertThat(registered()).containsExactly(other);
    }

    @Test
    void want_whileTheRegistryIsAway_registersTheLatestWhenBack() {
        keeper.step(T0);
        registry.failing = true;
        long t = T0 + HEARTBEAT;
        for (int i = 0; i < 5; i++, t += HEARTBEAT) {
            keeper.want(ORDERS.toBuilder().metadata(java.util.Map.of("version", "" + i)).build());
            keeper.step(t);
        }

        registry.failing = false;
        for (long end = t + HEARTBEAT; t <= end; t += 10) {
            keeper.step(t);
        }

        assertThat(registered()).singleElement().extracting(i -> i.metadata().get("version")).isEqualTo("4");
    }

    // ---- an unavailable registry

    @Test
    void step_registryUnavailable_backsOffCappedAtHeartbeatThenRecoversWithinOneHeartbeat() {
        registry.failing = true;

        List<Long> attempts = new ArrayList<>();
        long t = T0;
        for (; t < T0 + 15 * HEARTBEAT; t++) {
            int before = registry.calls();
            keeper.step(t); // must not throw
            if (registry.calls() > before) {
                attempts.add(t);
            }
        }

        assertThat(registered()).isEmpty();
        assertThat(attempts).first().isEqualTo(T0);
        List<Long> gaps = new ArrayList<>();
        for (int i = 1; i < attempts.size(); i++) {
            gaps.add(attempts.get(i) - attempts.get(i - 1));
        }
        assertThat(gaps).hasSizeGreaterThan(10);
        assertThat(gaps.get(0)).as("first retry after 50-100%% of 200 ms").isBetween(100L, 200L);
        assertThat(gaps.get(1)).as("second retry after 50-100%% of 400 ms").isBetween(200L, 400L);
        assertThat(gaps.get(2)).as("third retry after 50-100%% of 800 ms").isBetween(400L, 800L);
        assertThat(gaps.subList(3, gaps.size())).as("then capped at the heartbeat")
                .allSatisfy(gap -> assertThat(gap).isBetween(HEARTBEAT / 2, HEARTBEAT));

        registry.failing = false;
        long recoveredAt = -1;
        for (long end = t + HEARTBEAT; t <= end && recoveredAt < 0; t++) {
            keeper.step(t);
            if (!registered().isEmpty()) {
                recoveredAt = t;
            }
        }

        assertThat(recoveredAt).as("registered within one heartbeat of the registry's return").isPositive();
        assertThat(keeper.registered()).isEqualTo(ORDERS);
    }

    @Test
    void step_registryFailsAgainAfterRecovering_backoffStartsOverAtTheFirstStep() {
        keeper.step(T0);
        registry.failing = true;
        long t = T0 + HEARTBEAT;
        for (; t < T0 + 10 * HEARTBEAT; t++) {
            keeper.step(t);
        }
        registry.failing = false;
        int renewsBefore = registry.renews.get();
        for (long end = t + HEARTBEAT; t <= end && registry.renews.get() == renewsBefore; t++) {
            keeper.step(t);
        }
        assertThat(registered()).hasSize(1);

        registry.failing = true;
        List<Long> attempts = new ArrayList<>();
        for (long end = t + 3 * HEARTBEAT; t < end && attempts.size() < 2; t++) {
            int before = registry.calls();
            keeper.step(t);
            if (registry.calls() > before) {
                attempts.add(t);
            }
        }

        assertThat(attempts).hasSize(2);
        assertThat(attempts.get(1) - attempts.get(0)).as("failed heartbeat retried after 100-200 ms")
                .isBetween(100L, 200L);
    }

    @Test
    void step_registryThrowsSomethingElse_countsAsAFailureAndDoesNotEscape() {
        registry.failure = () -> new IllegalStateException("registry memory: is closed");
        registry.failing = true;

        keeper.step(T0);
        keeper.step(T0 + 1);

        assertThat(registry.calls()).as("backing off").isEqualTo(1);
        assertThat(log.lines).singleElement().asString().startsWith("WARN registry memory: is unavailable (1 failed "
                + "attempts); the app keeps running, retrying with backoff up to 1000 ms")
                .endsWith("IllegalStateException: registry memory: is closed");
    }

    @Test
    void step_outage_warnsOnceThenOnceAMinuteAndSaysWhenBack() {
        keeper.step(T0);
        registry.failing = true;
        long t = T0 + HEARTBEAT;
        for (; t < T0 + HEARTBEAT + 150_000; t += 10) {
            keeper.step(t);
        }
        int failures = registry.calls() - 1;
        registry.failing = false;
        for (long end = t + HEARTBEAT; t <= end; t += 10) {
            keeper.step(t);
        }

        assertThat(log.lines).hasSize(4);
        assertThat(log.lines.subList(0, 3)).allSatisfy(line -> assertThat(line).startsWith("WARN registry memory: is "
                + "unavailable (").contains("RegistryUnavailableException"));
        assertThat(log.lines.get(0)).contains("(1 failed attempts)");
        assertThat(log.lines.get(3)).isEqualTo("INFO registry memory: is reachable again after " + failures
                + " failed attempts");
        assertThat(log.debugLines).as("the failures in between, at DEBUG").hasSize(failures - 3);
    }

    @Test
    void step_listenerThrows_isLoggedAndNotTakenForARegistryFailure() {
        LeaseKeeper failingListener = new LeaseKeeper(registry, ORDERS, TTL, Duration.ofMillis(HEARTBEAT), log,
                instance -> {
                    throw new IllegalStateException("listener bug");
                });

        long next = failingListener.step(T0);

        assertThat(registered()).containsExactly(ORDERS);
        assertThat(next).isEqualTo(T0 + HEARTBEAT);
        assertThat(log.lines).singleElement().asString().startsWith("WARN the listener of the registration of orders "
                + "id=orders-1 failed; ignored");
    }

    // ---- deregister

    @Test
    void deregister_registered_removesItAndReturnsIt() {
        keeper.step(T0);

        assertThat(keeper.deregister()).isEqualTo(ORDERS);

        assertThat(registered()).isEmpty();
        assertThat(keeper.registered()).isNull();
    }

    @Test
    void deregister_neverRegistered_stillAsksTheRegistry() {
        registry.failing = true;
        keeper.step(T0);
        registry.failing = false;

        assertThat(keeper.deregister()).isEqualTo(ORDERS);

        assertThat(registry.deregisters.get()).as("a register that failed may have been written all the same")
                .isEqualTo(1);
    }

    @Test
    void deregister_registryUnavailable_returnsNullWithOneWarning() {
        keeper.step(T0);
        registry.failing = true;

        assertThat(keeper.deregister()).isNull();

        assertThat(log.lines).singleElement().asString().startsWith("WARN could not deregister orders id=orders-1 "
                + "from registry memory:; it expires within its ttl of 3000 ms");
    }

    /** Keeps what was logged at INFO and above, one line each ({@code LEVEL message: throwable}), and DEBUG apart. */
    static final class RecordingLogger extends LegacyAbstractLogger {
        private static final long serialVersionUID = 1L;
        final List<String> lines = new CopyOnWriteArrayList<>();
        final List<String> debugLines = new CopyOnWriteArrayList<>();

        RecordingLogger() {
            this.name = "test";
        }

        @Override
        public boolean isTraceEnabled() {
            return false;
        }

        @Override
        public boolean isDebugEnabled() {
            return true;
        }

        @Override
        public boolean isInfoEnabled() {
            return true;
        }

        @Override
        public boolean isWarnEnabled() {
            return true;
        }

        @Override
        public boolean isErrorEnabled() {
            return true;
        }

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments,
                                                   Throwable throwable) {
            String line = level + " " + MessageFormatter.basicArrayFormat(pattern, arguments)
                    + (throwable == null ? "" : ": " + throwable);
            (level == Level.DEBUG ? debugLines : lines).add(line);
        }
    }
}
