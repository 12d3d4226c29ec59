package dev.beacon.health;

import dev.beacon.MutableClock;
import dev.beacon.RegistryUnavailableException;
import dev.beacon.ServiceInstance;
import dev.beacon.Status;
import dev.beacon.registry.InMemoryServiceRegistry;
import dev.beacon.registry.RegistryEvent;
import dev.beacon.registry.ServiceRegistry;
import dev.beacon.registry.Subscription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The checker on an in-memory registry whose clock stands still unless a test moves it, against a real HTTP server.
 * Rounds are run by hand with {@code checkNow()} except where the schedule itself is tested.
 */
class ActiveHealthCheckerTest {

    private static final Duration OWNER_TTL = Duration.ofMinutes(1);
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final MutableClock clock = MutableClock.atSystemTime();
    private final InMemoryServiceRegistry registry = new InMemoryServiceRegistry(clock, Duration.ofMillis(50));
    private final List<AutoCloseable> resources = new ArrayList<>();
    private TestHttpServer server;

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable resource : resources) {
            resource.close();
        }
        registry.close();
    }

    private TestHttpServer server() throws IOException {
        if (server == null) {
            server = new TestHttpServer();
            resources.add(server);
        }
        return server;
    }

    private ServiceInstance register(String service, String id, Status status) throws IOException {
        ServiceInstance instance = ServiceInstance.builder(service).id(id).host("127.0.0.1").port(server().port())
                .status(status).metadata("version", "1.4").build();
        registry.register(instance, OWNER_TTL);
        return instance;
    }

    private ActiveHealthChecker.Builder builder(HealthCheck check) {
        return ActiveHealthChecker.builder(registry, check).clock(clock);
    }

    private ActiveHealthChecker checker(HealthCheck check) {
        ActiveHealthChecker checker = builder(check).build();
        resources.add(checker);
        return checker;
    }

    private ActiveHealthChecker checker(ActiveHealthChecker checker) {
        resources.add(checker);
        return checker;
    }

    private ActiveHealthChecker httpChecker() {
        return checker(HealthCheck.http("/health", TIMEOUT));
    }

    private Status status(String service, String id) {
        return registry.instances(service).stream().filter(i -> i.id().equals(id)).findFirst()
                .map(ServiceInstance::status).orElseThrow(() -> new AssertionError(service + "/" + id + " is gone"));
    }

    private List<Status> statusAfterEachRound(ActiveHealthChecker checker, int rounds) {
        List<Status> statuses = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            checker.checkNow();
            statuses.add(status("orders", "orders-1"));
        }
        return statuses;
    }

    // ---- rise and fall recorded in the registry

    @Test
    void checkNow_upInstanceFailing_isDownAfterFallFailures() throws IOException {
        register("orders", "orders-1", Status.UP);
        ActiveHealthChecker checker = httpChecker();
        server.status = 503;

        assertThat(statusAfterEachRound(checker, 4)).containsExactly(Status.UP, Status.UP, Status.DOWN, Status.DOWN);
        assertThat(server.healthRequests.get()).isEqualTo(4);
    }

    @Test
    void checkNow_downedInstancePassingAgain_isUpAfterRisePasses() throws IOException {
        register("orders", "orders-1", Status.UP);
        ActiveHealthChecker checker = httpChecker();
        server.status = 503;
        statusAfterEachRound(checker, 3);
        server.status = 200;

        assertThat(statusAfterEachRound(checker, 3)).containsExactly(Status.DOWN, Status.UP, Status.UP);
    }

    @Test
    void checkNow_statusChange_isSeenByWatchersAsOneUpdateEach() throws IOException {
        register("orders", "orders-1", Status.UP);
        List<RegistryEvent> events = new CopyOnWriteArrayList<>();
        try (Subscription ignored = registry.watch("orders", events::add)) {
            ActiveHealthChecker checker = checker(builder(HealthCheck.http("/health", TIMEOUT))
                    .thresholds(new HealthThresholds(1, 1)).build());
            server.status = 503;
            checker.checkNow();
            checker.checkNow();
            server.status = 200;
            checker.checkNow();

            await().atMost(Duration.ofSeconds(5)).until(() -> events.size() >= 2);
            assertThat(events).extracting(e -> e.type() + " " + e.instance().status())
                    .containsExactly("UPDATED DOWN", "UPDATED UP");
        }
    }

    @Test
    void checkNow_flappingInstance_isNeverWritten() throws IOException {
        register("orders", "orders-1", Status.UP);
        ActiveHealthChecker checker = httpChecker();
        AtomicInteger writes = new AtomicInteger();
        try (Subscription ignored = registry.watch("orders", e -> writes.incrementAndGet())) {
            for (int i = 0; i < 10; i++) {
                server.status = i % 2 == 0 ? 503 : 200;
                checker.checkNow();
            }
        }

        assertThat(status("orders", "orders-1")).isEqualTo(Status.UP);
        assertThat(writes.get()).isZero();
    }

    @Test
    void checkNow_ownerRegistersUpAgainWhileStillFailing_isDownAgainAtTheNextRound() throws IOException {
        register("orders", "orders-1", Status.UP);
        ActiveHealthChecker checker = httpChecker();
        server.status = 503;
        statusAfterEachRound(checker, 3);

        register("orders", "orders-1", Status.UP); // the owner lost its lease and registered again

        assertThat(statusAfterEachRound(checker, 1)).containsExactly(Status.DOWN);
    }

    // ---- statuses that belong to the owner

    @Test
    void checkNow_startingInstance_isNeverWrittenEitherWay() throws IOException {
        register("orders", "orders-1", Status.STARTING);
        ActiveHealthChecker checker = httpChecker();

        List<Status> passing = statusAfterEachRound(checker, 3);
        server.status = 503;
        List<Status> failing = statusAfterEachRound(checker, 5);

        assertThat(passing).containsOnly(Status.STARTING);
        assertThat(failing).containsOnly(Status.STARTING);
        assertThat(checker.result("orders", "orders-1").orElseThrow().state().status()).isEqualTo(Status.DOWN);
    }

    @Test
    void checkNow_startingInstanceThatFailedThenIsSetUpByItsOwner_fallsOnTheFailuresSeen() throws IOException {
        register("orders", "orders-1", Status.STARTING);
        ActiveHealthChecker checker = httpChecker();
        server.status = 503;
        statusAfterEachRound(checker, 2);

        register("orders", "orders-1", Status.UP);

        assertThat(statusAfterEachRound(checker, 1)).containsExactly(Status.DOWN);
    }

    @Test
    void checkNow_drainingInstance_isNeverWritten() throws IOException {
        register("orders", "orders-1", Status.DRAINING);
        ActiveHealthChecker checker = httpChecker();
        server.status = 503;

        assertThat(statusAfterEachRound(checker, 5)).containsOnly(Status.DRAINING);
    }

    @Test
    void checkNow_instanceItsOwnerSetDown_isNotBroughtUp() throws IOException {
        register("orders", "orders-1", Status.DOWN);
        ActiveHealthChecker checker = httpChecker();

        assertThat(statusAfterEachRound(checker, 5)).containsOnly(Status.DOWN);
        assertThat(checker.result("orders", "orders-1").orElseThrow().state().status()).isEqualTo(Status.UP);
    }

    // ---- how the status is written

    @Test
    void checkNow_statusWrite_keepsTheInstanceAndLeasesForLeaseTtl() throws IOException {
        ServiceInstance original = register("orders", "orders-1", Status.UP);
        ActiveHealthChecker checker = checker(builder(HealthCheck.http("/health", TIMEOUT))
                .thresholds(new HealthThresholds(1, 1)).leaseTtl(Duration.ofSeconds(5)).build());
        server.status = 503;

        checker.checkNow();

        assertThat(registry.instances("orders")).containsExactly(original.withStatus(Status.DOWN));
        clock.advance(Duration.ofMillis(4_900));
        assertThat(registry.instances("orders")).hasSize(1);
        clock.advance(Duration.ofMillis(200));
        assertThat(registry.instances("orders")).as("nobody renewed: gone after leaseTtl, not the owner's TTL")
                .isEmpty();
    }

    @Test
    void checkNow_instanceDeregisteredDuringItsCheck_isNotBroughtBack() throws IOException {
        register("orders", "orders-1", Status.UP);
        ActiveHealthChecker checker = checker(builder(instance -> {
            registry.deregister(instance.service(), instance.id());
            return HealthCheck.Result.fail("refused", Duration.ZERO);
        }).thresholds(new HealthThresholds(1, 1)).build());

        checker.checkNow();

        assertThat(registry.instances("orders")).isEmpty();
    }

    @Test
    void checkNow_ownerChangesMetadataDuringTheCheck_newMetadataIsKept() throws IOException {
        ServiceInstance original = register("orders", "orders-1", Status.UP);
        ServiceInstance updated = original.toBuilder().metadata("version", "1.5").build();
        ActiveHealthChecker checker = checker(builder(instance -> {
            registry.register(updated, OWNER_TTL);
            return HealthCheck.Result.fail("refused", Duration.ZERO);
        }).thresholds(new HealthThresholds(1, 1)).build());

        checker.checkNow();

        assertThat(registry.instances("orders")).containsExactly(updated.withStatus(Status.DOWN));
    }

    // ---- many instances at once

    @Test
    void checkNow_fiftySlowInstances_takeAboutOneTimeoutNotFifty() throws IOException {
        for (int i = 0; i < 50; i++) {
            register("orders", "orders-" + i, Status.UP);
        }
        ActiveHealthChecker checker = checker(HealthCheck.http("/slow", Duration.ofMillis(500)));

        long start = System.nanoTime();
        checker.checkNow();
        long tookMillis = (System.nanoTime() - start) / 1_000_000;

        assertThat(tookMillis).as("one timeout is 500 ms; one after another would take 25 s").isLessThan(2_500);
        assertThat(checker.results().get("orders")).hasSize(50)
                .allSatisfy(h -> assertThat(h.lastResult().detail()).isEqualTo("/slow timed out after 500 ms"));
    }

    @Test
    void checkNow_concurrencyBound_neverMoreChecksAtOnce() throws IOException {
        for (int i = 0; i < 20; i++) {
            register("orders", "orders-" + i, Status.UP);
        }
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        ActiveHealthChecker checker = checker(builder(instance -> {
            most.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            running.decrementAndGet();
            return HealthCheck.Result.pass("ok", Duration.ofMillis(50));
        }).concurrency(4).build());

        checker.checkNow();

        assertThat(most.get()).isEqualTo(4);
        assertThat(checker.results().get("orders")).hasSize(20);
    }

    @Test
    void checkNow_checkStillRunningAfterTheInterval_isCancelledAndFails() throws IOException {
        register("orders", "orders-1", Status.UP);
        ActiveHealthChecker checker = checker(builder(instance -> {
            try {
                Thread.sleep(10_000);
                return HealthCheck.Result.pass("too late", Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                return HealthCheck.Result.fail("interrupted", Duration.ZERO);
            }
        }).interval(Duration.ofMillis(200)).build());

        long start = System.nanoTime();
        checker.checkNow();

        assertThat(System.nanoTime() - start).isLessThan(Duration.ofSeconds(3).toNanos());
        assertThat(checker.result("orders", "orders-1").orElseThrow().lastResult())
                .isEqualTo(HealthCheck.Result.fail("no result within the interval of 200 ms", Duration.ofMillis(200)));
    }

    @Test
    void checkNow_checkThrows_countsAsFailure() throws IOException {
        register("orders", "orders-1", Status.UP);
        ActiveHealthChecker checker = checker(builder(instance -> {
            throw new IllegalStateException("boom");
        }).thresholds(new HealthThresholds(1, 1)).build());

        checker.checkNow();

        assertThat(status("orders", "orders-1")).isEqualTo(Status.DOWN);
        assertThat(checker.result("orders", "orders-1").orElseThrow().lastResult().detail())
                .contains("threw java.lang.IllegalStateException: boom");
    }

    // ---- what is checked, and the results

    @Test
    void checkNow_givenServices_checksOnlyThose() throws IOException {
        register("orders", "orders-1", Status.UP);
        register("billing", "billing-1", Status.UP);
        register("stock", "stock-1", Status.UP);
        ActiveHealthChecker checker = checker(builder(HealthCheck.http("/health", TIMEOUT))
                .services("orders", "stock").build());

        checker.checkNow();

        assertThat(checker.results()).containsOnlyKeys("orders", "stock");
        assertThat(server.healthRequests.get()).isEqualTo(2);
    }

    @Test
    void results_afterRounds_lastResultPerInstanceSortedAndGoneInstancesForgotten() throws IOException {
        register("orders", "orders-2", Status.UP);
        register("orders", "orders-1", Status.UP);
        register("billing", "billing-1", Status.UP);
        ActiveHealthChecker checker = httpChecker();
        assertThat(checker.results()).isEmpty();

        checker.checkNow();

        Map<String, List<InstanceHealth>> results = checker.results();
        assertThat(results.keySet()).containsExactly("billing", "orders");
        assertThat(results.get("orders")).extracting(h -> h.instance().id()).containsExactly("orders-1", "orders-2");
        InstanceHealth health = checker.result("orders", "orders-1").orElseThrow();
        assertThat(health.lastResult().passed()).isTrue();
        assertThat(health.lastResult().detail()).isEqualTo("/health answered 200");
        assertThat(health.state()).isEqualTo(new HealthState(Status.UP, 1, 0));
        assertThat(health.checkedAt()).isEqualTo(clock.instant());
        assertThat(checker.result("orders", "orders-9")).isEmpty();
        assertThrows(UnsupportedOperationException.class, () -> results.put("x", List.of()));

        registry.deregister("orders", "orders-2");
        checker.checkNow();

        assertThat(checker.results().get("orders")).extracting(h -> h.instance().id()).containsExactly("orders-1");
    }

    @Test
    void results_afterStatusWrite_showTheWrittenInstance() throws IOException {
        register("orders", "orders-1", Status.UP);
        ActiveHealthChecker checker = checker(builder(HealthCheck.http("/health", TIMEOUT))
                .thresholds(new HealthThresholds(1, 1)).build());
        server.status = 503;

        checker.checkNow();

        InstanceHealth health = checker.result("orders", "orders-1").orElseThrow();
        assertThat(health.instance().status()).isEqualTo(Status.DOWN);
        assertThat(health.state()).isEqualTo(new HealthState(Status.DOWN, 0, 1));
        assertThat(health.lastResult().detail()).isEqualTo("/health answered 503");
    }

    @Test
    void checkNow_registryUnavailable_keepsTheLastResultsAndThrowsNothing() throws IOException {
        register("orders", "orders-1", Status.UP);
        FailingRegistry failing = new FailingRegistry(registry);
        ActiveHealthChecker checker = ActiveHealthChecker.builder(failing, HealthCheck.http("/health", TIMEOUT))
                .build();
        resources.add(checker);
        checker.checkNow();
        Map<String, List<InstanceHealth>> before = checker.results();

        failing.failing = true;
        checker.checkNow();

        assertThat(checker.results()).isSameAs(before);
        failing.failing = false;
        checker.checkNow();
        assertThat(checker.results()).isNotSameAs(before).containsOnlyKeys("orders");
    }

    @Test
    void checkNow_statusWriteFails_isRetriedAtTheNextRound() throws IOException {
        register("orders", "orders-1", Status.UP);
        FailingRegistry failing = new FailingRegistry(registry);
        ActiveHealthChecker checker = ActiveHealthChecker.builder(failing, HealthCheck.http("/health", TIMEOUT))
                .thresholds(new HealthThresholds(1, 1)).build();
        resources.add(checker);
        server.status = 503;
        failing.failWrites = true;

        checker.checkNow();

        assertThat(status("orders", "orders-1")).isEqualTo(Status.UP);
        failing.failWrites = false;
        checker.checkNow();
        assertThat(status("orders", "orders-1")).isEqualTo(Status.DOWN);
    }

    // ---- lifecycle

    @Test
    void start_runsRoundsEveryIntervalUntilClosed() throws IOException {
        register("orders", "orders-1", Status.UP);
        server().status = 503;
        ActiveHealthChecker started = checker(builder(HealthCheck.http("/health", TIMEOUT))
                .interval(Duration.ofMillis(100)).build());

        started.start();

        await().atMost(Duration.ofSeconds(10)).until(() -> status("orders", "orders-1") == Status.DOWN);
        started.close();
        int requests = server.healthRequests.get();
        sleep(400);
        assertThat(server.healthRequests.get()).as("no round after close").isLessThanOrEqualTo(requests + 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().equals("beacon-health-checker")));
    }

    @Test
    void start_injectedScheduler_usedAndLeftRunningOnClose() throws IOException {
        register("orders", "orders-1", Status.UP);
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try {
            ActiveHealthChecker checker = checker(builder(HealthCheck.http("/health", TIMEOUT))
                    .interval(Duration.ofMillis(100)).scheduler(scheduler).build());
            checker.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> server.healthRequests.get() >= 2);

            checker.close();
            int requests = server.healthRequests.get();
            sleep(400);

            assertThat(server.healthRequests.get()).isLessThanOrEqualTo(requests + 1);
            assertThat(scheduler.isShutdown()).isFalse();
        } finally {
            scheduler.shutdownNow();
        }
    }

    @Test
    void lifecycle_misuse_throwsSayingWhy() {
        ActiveHealthChecker checker = httpChecker();
        checker.start();

        assertThat(assertThrows(IllegalStateException.class, checker::start).getMessage())
                .isEqualTo("health checker is already started");
        checker.close();
        checker.close(); // idempotent
        assertThat(assertThrows(IllegalStateException.class, checker::start).getMessage())
                .isEqualTo("health checker is closed; build a new one");
        assertThat(assertThrows(IllegalStateException.class, checker::checkNow).getMessage())
                .isEqualTo("health checker is closed");
    }

    @Test
    void build_startsNoThread() {
        Set<Thread> before = threadsNamed("beacon-health");

        httpChecker();

        // new threads only: those of other tests' checkers may end meanwhile (a count would then drop)
        Set<Thread> started = threadsNamed("beacon-health");
        started.removeAll(before);
        assertThat(started).isEmpty();
    }

    @Test
    void builder_badValues_throwNamingThem() {
        ActiveHealthChecker.Builder builder = ActiveHealthChecker.builder(registry, HealthCheck.tcp(TIMEOUT));

        assertThat(assertThrows(IllegalArgumentException.class, () -> builder.interval(Duration.ofMillis(99)))
                .getMessage()).isEqualTo("interval must be between 100ms and 1h, but was PT0.099S");
        assertThat(assertThrows(IllegalArgumentException.class, () -> builder.concurrency(0))
                .getMessage()).isEqualTo("concurrency must be 1..1024, but was 0");
        assertThat(assertThrows(IllegalArgumentException.class, () -> builder.leaseTtl(Duration.ofMillis(10)))
                .getMessage()).isEqualTo("ttl must be between 1s and 1d, but was '10ms'");
        assertThat(assertThrows(IllegalArgumentException.class, () -> builder.services("orders", "Bad Name"))
                .getMessage()).contains("'Bad Name'");
        assertThrows(NullPointerException.class, () -> ActiveHealthChecker.builder(registry, null));
    }

    private static Set<Thread> threadsNamed(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith(prefix))
                .collect(Collectors.toCollection(HashSet::new));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Delegates to a registry; {@code failing} makes every call throw, {@code failWrites} only registrations. */
    private static final class FailingRegistry implements ServiceRegistry {
        private final ServiceRegistry delegate;
        volatile boolean failing;
        volatile boolean failWrites;

        FailingRegistry(ServiceRegistry delegate) {
            this.delegate = delegate;
        }

        private void maybeFail(boolean write) {
            if (failing || (write && failWrites)) {
                throw new RegistryUnavailableException("registry test: unreachable", new IOException("refused"));
            }
        }

        @Override
        public void register(ServiceInstance instance, Duration ttl) {
            maybeFail(true);
            delegate.register(instance, ttl);
        }

        @Override
        public boolean renew(String service, String id) {
            maybeFail(true);
            return delegate.renew(service, id);
        }

        @Override
        public boolean deregister(String service, String id) {
            maybeFail(true);
            return delegate.deregister(service, id);
        }

        @Override
        public List<ServiceInstance> instances(String service) {
            maybeFail(false);
            return delegate.instances(service);
        }

        @Override
        public Set<String> services() {
            maybeFail(false);
            return delegate.services();
        }

        @Override
        public Subscription watch(String service, Consumer<RegistryEvent> listener) {
            return delegate.watch(service, listener);
        }

        @Override
        public void close() {
        }

        @Override
        public String toString() {
            return "test:";
        }
    }
}
