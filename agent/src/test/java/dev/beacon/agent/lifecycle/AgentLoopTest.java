package dev.beacon.agent.lifecycle;

import dev.beacon.agent.logging.AgentLines;
import com.sun.net.httpserver.HttpServer;
import dev.beacon.RegistryUnavailableException;
import dev.beacon.ServiceInstance;
import dev.beacon.Status;
import dev.beacon.agent.config.AgentConfig;
import dev.beacon.agent.config.AgentConfigParser;
import dev.beacon.agent.detect.ProcNetListeners;
import dev.beacon.health.HealthCheck;
import dev.beacon.registry.InMemoryServiceRegistry;
import dev.beacon.testing.SwitchableRegistry;
import dev.beacon.registry.RegistryEvent;
import dev.beacon.registry.ServiceRegistry;
import dev.beacon.registry.Subscription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Drives the loop by hand: {@code openRegistry()} and {@code step(now)} with a fake monotonic time for the listeners
 * and the self-check. {@code /proc} scanning is off, so only the sockets handed to {@code onBind} count. The
 * registration itself is core's {@link dev.beacon.registry.Registration} on the real clock: it registers, updates and
 * deregisters on the stepping thread, and renews on its own thread every heartbeat (the config has {@code ttl=3s}, so
 * every 1000 ms); those tests wait in real time. The heartbeat and backoff schedule is tested on a fake clock in
 * core's {@code LeaseKeeperTest}.
 */
class AgentLoopTest {

    private static final String SERVICE = "orders";
    private static final String ID = "test-host-4711-3f2a";
    private static final long T0 = 1_000_000;
    private static final long HEARTBEAT = 1000;

    /** Leases never run out on their own here: the registry's clock stands still. */
    private final InMemoryServiceRegistry memory = new InMemoryServiceRegistry(
            Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC), Duration.ofMillis(100));
    private final SwitchableRegistry registry = new SwitchableRegistry(memory);
    private final List<ServerSocketChannel> channels = new ArrayList<>();
    private final List<AgentLoop> loops = new ArrayList<>();

    @AfterEach
    void closeAll() throws IOException {
        loops.forEach(AgentLoop::shutdown); // ends the registrations' threads
        for (ServerSocketChannel channel : channels) {
            channel.close();
        }
        memory.close();
    }

    private AgentLoop newLoop(AgentConfig config, Set<Integer> jvmOwnPorts, ProcNetListeners proc) {
        // no serving grace here: these tests are about what is registered, not when (see the serving-rule tests)
        AgentLoop loop = new AgentLoop(config, () -> registry, jvmOwnPorts, ID, proc, SelfCheck.of(config),
                new Handoff(), 0);
        loops.add(loop);
        return loop;
    }

    private AgentLoop loop(String extraArgs) {
        return loop(extraArgs, Set.of());
    }

    private AgentLoop loop(String extraArgs, Set<Integer> jvmOwnPorts) {
        String args = "service=" + SERVICE + ",ttl=3s" + (extraArgs.isEmpty() ? "" : "," + extraArgs);
        AgentConfig config = AgentConfigParser.parse(args, Map.of(), Map.of());
        AgentLoop loop = newLoop(config, jvmOwnPorts, new ProcNetListeners(Path.of("/nonexistent")));
        assertThat(loop.openRegistry()).isTrue();
        return loop;
    }

    private ServerSocketChannel bound() throws IOException {
        return bound(0);
    }

    private ServerSocketChannel bound(int port) throws IOException {
        ServerSocketChannel channel = ServerSocketChannel.open();
        channels.add(channel);
        channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        return channel;
    }

    private static int port(ServerSocketChannel channel) throws IOException {
        return ((InetSocketAddress) channel.getLocalAddress()).getPort();
    }

    private List<ServiceInstance> registered() {
        return memory.instances(SERVICE);
    }

    private ServiceInstance theInstance() {
        assertThat(registered()).hasSize(1);
        return registered().get(0);
    }

    // ---- registering what the hooks hand over

    @Test
    void step_boundChannel_registersItsPortHostAndMetadata() throws IOException {
        AgentLoop loop = loop("meta.version=1.4,meta.zone=eu-1");
        ServerSocketChannel channel = bound();

        loop.onBind(channel);

        assertThat(registered()).as("onBind only queues").isEmpty();

        loop.step(T0);

        ServiceInstance instance = theInstance();
        assertThat(instance.service()).isEqualTo(SERVICE);
        assertThat(instance.id()).isEqualTo(ID);
        assertThat(instance.port()).isEqualTo(port(channel));
        assertThat(instance.host()).isEqualTo("127.0.0.1");
        assertThat(instance.status()).isEqualTo(Status.UP);
        assertThat(instance.metadata()).containsExactlyInAnyOrderEntriesOf(Map.of("version", "1.4", "zone", "eu-1"));
        assertThat(instance.ports()).isEmpty();
        assertThat(loop.registered()).isEqualTo(instance);
        assertThat(registry.registers.get()).isEqualTo(1);
    }

    @Test
    void step_nothingBound_registersNothing() {
        AgentLoop loop = loop("");

        loop.step(T0);
        loop.step(T0 + 5 * HEARTBEAT);

        assertThat(registered()).isEmpty();
        assertThat(registry.calls()).isZero();
        assertThat(loop.registered()).isNull();
    }

    @Test
    void step_unchangedListeners_doesNotRegisterAgain() throws IOException {
        AgentLoop loop = loop("");
        loop.onBind(bound());
        loop.step(T0);

        for (long t = T0 + 1; t < T0 + HEARTBEAT; t += 50) {
            loop.step(t);
        }

        assertThat(registry.registers.get()).isEqualTo(1);
        assertThat(registry.deregisters.get()).isZero();
    }

    @Test
    void step_secondChannel_keepsFirstPortAndNamesTheSecond() throws IOException {
        AgentLoop loop = loop("");
        ServerSocketChannel first = bound();
        ServerSocketChannel second = bound();
        loop.onBind(first);
        loop.step(T0);

        loop.onBind(second);
        loop.step(T0 + 10);

        ServiceInstance instance = theInstance();
        assertThat(instance.port()).isEqualTo(port(first));
        assertThat(instance.ports()).containsExactly(Map.entry("tcp-" + port(second), port(second)));
        assertThat(registry.registers.get()).isEqualTo(2);
    }

    @Test
    void step_sidePortBoundBeforeTheDeclaredAppPort_registersNothingUntilTheAppPortListens() throws IOException {
        ServerSocketChannel admin = bound();
        int httpPort;
        try (ServerSocketChannel free = ServerSocketChannel.open()) {
            free.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            httpPort = port(free);
        }
        AgentLoop loop = loop("ports=http:" + httpPort + ";admin:" + port(admin));
        loop.onBind(admin); // Helidon opens its admin socket a moment before its default one
        loop.step(T0);

        assertThat(registered()).as("never registered at its admin port").isEmpty();

        ServerSocketChannel http = bound(httpPort);
        loop.onBind(http);
        loop.step(T0 + 10);

        assertThat(theInstance().port()).isEqualTo(httpPort);
        assertThat(theInstance().ports()).containsExactly(Map.entry("admin", port(admin)));
    }

    @Test
    void step_twoChannelsInOneStep_firstHandedOverIsPrimary() throws IOException {
        AgentLoop loop = loop("");
        ServerSocketChannel first = bound();
        ServerSocketChannel second = bound();

        loop.onBind(first);
        loop.onBind(second);
        loop.step(T0);

        assertThat(theInstance().port()).isEqualTo(port(first));
        assertThat(theInstance().ports()).containsOnlyKeys("tcp-" + port(second));
    }

    @Test
    void step_sameChannelHandedOverTwice_isOneListener() throws IOException {
        AgentLoop loop = loop("");
        ServerSocketChannel channel = bound();

        loop.onBind(channel);
        loop.onBind(channel);
        loop.step(T0);

        assertThat(theInstance().ports()).isEmpty();
    }

    @Test
    void step_forcedPortNotListening_registersItAndNamesTheRealOne() throws IOException {
        AgentLoop loop = loop("port=8443");
        ServerSocketChannel channel = bound();

        loop.onBind(channel);
        loop.step(T0);

        assertThat(theInstance().port()).isEqualTo(8443);
        assertThat(theInstance().ports()).containsExactly(Map.entry("tcp-" + port(channel), port(channel)));
    }

    @Test
    void step_forcedPortOfSecondChannel_makesItPrimary() throws IOException {
        ServerSocketChannel first = bound();
        ServerSocketChannel second = bound();
        AgentLoop loop = loop("port=" + port(second));

        loop.onBind(first);
        loop.onBind(second);
        loop.step(T0);

        assertThat(theInstance().port()).isEqualTo(port(second));
        assertThat(theInstance().ports()).containsExactly(Map.entry("tcp-" + port(first), port(first)));
    }

    @Test
    void step_forcedPortThatIsAlsoExcluded_isStillRegistered() throws IOException {
        ServerSocketChannel channel = bound();
        AgentLoop loop = loop("port=" + port(channel) + ",exclude-ports=" + port(channel),
                Set.of(port(channel)));

        loop.onBind(channel);
        loop.step(T0);

        assertThat(theInstance().port()).isEqualTo(port(channel));
    }

    @Test
    void step_excludedPort_isNeverRegistered() throws IOException {
        ServerSocketChannel excluded = bound();
        ServerSocketChannel app = bound();
        AgentLoop loop = loop("exclude-ports=1," + port(excluded));

        loop.onBind(excluded);
        loop.onBind(app);
        loop.step(T0);

        assertThat(theInstance().port()).isEqualTo(port(app));
        assertThat(theInstance().ports()).isEmpty();
    }

    @Test
    void step_onlyExcludedPorts_registersNothing() throws IOException {
        ServerSocketChannel excluded = bound();
        ServerSocketChannel jvmOwn = bound();
        AgentLoop loop = loop("exclude-ports=" + port(excluded), Set.of(port(jvmOwn)));

        loop.onBind(excluded);
        loop.onBind(jvmOwn);
        loop.step(T0);

        assertThat(registered()).isEmpty();
        assertThat(registry.calls()).isZero();
    }

    @Test
    void step_somethingThatIsNoServerSocket_isIgnored() throws IOException {
        AgentLoop loop = loop("");
        ServerSocketChannel unbound = ServerSocketChannel.open();
        channels.add(unbound);

        loop.onBind("not a socket");
        loop.onBind(unbound);
        loop.onBind(null);
        loop.step(T0);

        assertThat(registered()).isEmpty();
    }

    // ---- closing

    @Test
    void step_channelClosedBeforeStep_isIgnored() throws IOException {
        AgentLoop loop = loop("");
        ServerSocketChannel channel = bound();
        loop.onBind(channel);

        channel.close();
        loop.step(T0);

        assertThat(registered()).isEmpty();
        assertThat(registry.calls()).isZero();
    }

    @Test
    void step_registeredChannelClosed_deregisters() throws Exception {
        AgentLoop loop = loop("");
        ServerSocketChannel channel = bound();
        loop.onBind(channel);
        loop.step(T0);
        assertThat(registered()).hasSize(1);

        channel.close();
        loop.step(T0 + 10);

        assertThat(registered()).isEmpty();
        assertThat(registry.deregisters.get()).isEqualTo(1);
        assertThat(loop.registered()).isNull();
        int calls = registry.calls();

        loop.step(T0 + 5 * HEARTBEAT);
        Thread.sleep(HEARTBEAT + 200); // a registration left running would renew meanwhile

        assertThat(registry.calls()).as("nothing more once deregistered").isEqualTo(calls);
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.isAlive()
                && t.getName().startsWith("beacon-registration-"));
    }

    @Test
    void step_primaryClosedWhileAnotherListens_registersTheOtherAsPrimary() throws IOException {
        AgentLoop loop = loop("");
        ServerSocketChannel first = bound();
        ServerSocketChannel second = bound();
        loop.onBind(first);
        loop.onBind(second);
        loop.step(T0);

        first.close();
        loop.step(T0 + 10);

        assertThat(theInstance().port()).isEqualTo(port(second));
        assertThat(theInstance().ports()).isEmpty();
    }

    /** Regression: a closed hooked listener hid the new socket on its port, so the port was deregistered. */
    @Test
    void step_registeredPortClosedAndBoundAgainBeforeStep_staysRegistered() throws IOException {
        AgentLoop loop = loop("");
        ServerSocketChannel first = bound();
        int port = port(first);
        loop.onBind(first);
        loop.step(T0);

        first.close();
        ServerSocketChannel again = bound(port);
        loop.onBind(again);
        loop.step(T0 + 10);

        assertThat(theInstance().port()).isEqualTo(port);
        assertThat(registry.deregisters.get()).isZero();

        again.close();
        loop.step(T0 + 20);

        assertThat(registered()).as("the new socket is the one watched").isEmpty();
    }

    /**
     * The close hooks' signal wakes the agent's thread, which deregisters at once; without it a closed listener was
     * noticed at the next 250 ms tick. The loop runs on a thread of its own here, as in the agent.
     */
    @Test
    void run_closeSignal_deregisteredWithinMillisecondsNotAtTheNextTick() throws Exception {
        Handoff handoff = new Handoff();
        AgentConfig config = AgentConfigParser.parse("service=" + SERVICE + ",ttl=3s", Map.of(), Map.of());
        AgentLoop loop = new AgentLoop(config, () -> registry, Set.of(), ID,
                new ProcNetListeners(Path.of("/nonexistent")), handoff);
        loops.add(loop);
        Thread agent = new Thread(loop, "test-agent-loop");
        agent.setDaemon(true);
        agent.start();
        List<Long> goneAfterMicros = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            ServerSocketChannel channel = bound();
            handoff.accept(channel);
            await().atMost(Duration.ofSeconds(5)).until(() -> !registered().isEmpty());
            Thread.sleep(20 + 17 * i); // the loop parks again, at different points of its tick

            long closedAt = System.nanoTime();
            channel.close();
            handoff.closeSignal().accept(channel); // what the woven close() calls
            await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).atMost(Duration.ofSeconds(2))
                    .until(() -> registered().isEmpty());
            goneAfterMicros.add((System.nanoTime() - closedAt) / 1_000);
        }

        List<Long> sorted = goneAfterMicros.stream().sorted().toList();
        System.out.println("close signal to deregistered (µs): " + goneAfterMicros + ", p50 " + sorted.get(3));
        assertThat(sorted.get(3)).as("p50 µs from close to deregistered; the tick is 250 ms").isLessThan(50_000L);
    }

    // ---- heartbeats and lost leases (their schedule: core's LeaseKeeperTest)

    @Test
    void registration_renewsOnItsOwnThreadWithoutSteps() throws IOException {
        AgentLoop loop = loop("");
        loop.onBind(bound());
        loop.step(T0);

        await().atMost(Duration.ofSeconds(5)).until(() -> registry.renews.get() >= 2);

        assertThat(registry.registers.get()).isEqualTo(1);
        assertThat(registered()).hasSize(1);
    }

    @Test
    void registration_leaseLost_registersTheSameInstanceAgainAtTheNextHeartbeat() throws IOException {
        AgentLoop loop = loop("meta.version=1.4");
        loop.onBind(bound());
        loop.step(T0);
        ServiceInstance original = theInstance();

        memory.deregister(SERVICE, ID);

        await().atMost(Duration.ofSeconds(3)).until(() -> !registered().isEmpty());
        assertThat(theInstance()).isEqualTo(original);
        assertThat(registry.registers.get()).isEqualTo(2);
    }

    // ---- an unavailable registry

    @Test
    void step_registryUnavailable_doesNotThrowAndRegistersWithinAHeartbeatOfItsReturn() throws IOException {
        AgentLoop loop = loop("");
        ServerSocketChannel channel = bound();
        loop.onBind(channel);
        registry.failing = true;

        for (long t = T0; t < T0 + 3 * HEARTBEAT; t += 10) {
            loop.step(t); // must not throw
        }
        await().atMost(Duration.ofSeconds(3)).until(() -> registry.registers.get() >= 3); // retried in the background
        assertThat(registered()).isEmpty();

        registry.failing = false;
        long back = System.nanoTime();
        await().atMost(Duration.ofSeconds(3)).until(() -> !registered().isEmpty());

        assertThat(System.nanoTime() - back).as("registered within one heartbeat (and slack) of the return")
                .isLessThan(Duration.ofMillis(HEARTBEAT + 1_000).toNanos());
        assertThat(theInstance().port()).isEqualTo(port(channel));
        assertThat(loop.registered()).isEqualTo(theInstance());
    }

    @Test
    void step_registryThrowsSomethingElse_doesNotEscapeEither() throws IOException {
        AgentLoop loop = loop("");
        loop.onBind(bound());
        registry.failure = () -> new IllegalStateException("registry memory: is closed");
        registry.failing = true;

        loop.step(T0);
        loop.step(T0 + 1);

        assertThat(registry.calls()).isEqualTo(1);
    }

    @Test
    void openRegistry_factoryThrows_returnsFalse() {
        AgentConfig config = AgentConfigParser.parse("service=orders", Map.of(), Map.of());
        AgentLoop loop = new AgentLoop(config, () -> {
            throw new RegistryUnavailableException("registry redis://h:6379: connection refused", null);
        }, Set.of(), ID, new ProcNetListeners(Path.of("/nonexistent")), new Handoff());

        assertThat(loop.openRegistry()).isFalse();
    }

    // ---- shutdown

    @Test
    void shutdown_registered_deregistersOnceAndRegistersNothingAfterwards() throws IOException {
        AgentLoop loop = loop("");
        ServerSocketChannel channel = bound();
        loop.onBind(channel);
        loop.step(T0);
        assertThat(registered()).hasSize(1);

        loop.shutdown();

        assertThat(registered()).isEmpty();
        assertThat(loop.registered()).isNull();
        assertThat(registry.deregisters.get()).isEqualTo(1);

        loop.shutdown();

        assertThat(registry.deregisters.get()).as("idempotent").isEqualTo(1);

        loop.onBind(bound());
        loop.step(T0 + 10);
        loop.step(T0 + 5 * HEARTBEAT);

        assertThat(registered()).isEmpty();
        assertThat(registry.registers.get()).isEqualTo(1);
    }

    @Test
    void shutdown_nothingRegistered_callsNoRegistry() {
        AgentLoop loop = loop("");

        loop.shutdown();

        assertThat(registry.calls()).isZero();
    }

    @Test
    void shutdown_registryUnavailable_doesNotThrow() throws IOException {
        AgentLoop loop = loop("");
        loop.onBind(bound());
        loop.step(T0);
        registry.failing = true;

        loop.shutdown();

        assertThat(registry.deregisters.get()).isEqualTo(1);
    }

    @Test
    void shutdown_withDrain_deregistersFirstThenWaitsTheDrain() throws IOException {
        AgentLoop loop = loop("drain=200ms");
        loop.onBind(bound());
        loop.step(T0);

        long start = System.nanoTime();
        loop.shutdown();
        long returned = System.nanoTime();

        assertThat(registry.lastDeregisterNanos.get() - start).as("deregistered before the drain")
                .isLessThan(Duration.ofSeconds(1).toNanos());
        assertThat(returned - registry.lastDeregisterNanos.get()).as("then drained")
                .isGreaterThanOrEqualTo(Duration.ofMillis(200).toNanos())
                .isLessThan(Duration.ofSeconds(5).toNanos());
    }

    @Test
    void shutdown_withDrainButNothingRegistered_returnsWithoutWaiting() {
        AgentLoop loop = loop("drain=3s");

        long start = System.nanoTime();
        loop.shutdown();

        assertThat(System.nanoTime() - start).isLessThan(Duration.ofSeconds(2).toNanos());
    }

    // ---- monotonic time

    /** Regression: the deadlines started at 0, so a monotonic clock reading below 0 never registered. */
    @Test
    void step_negativeMonotonicTime_registersAndRenews() throws IOException {
        AgentLoop loop = loop("");
        loop.onBind(bound());
        long start = -5_000_000_000L;

        loop.step(start);

        assertThat(registered()).hasSize(1);

        loop.step(start + 20_000); // the /proc scan and the self-check's deadlines are in this time too

        assertThat(registered()).hasSize(1);
        assertThat(registry.registers.get()).isEqualTo(1);
    }

    // ---- the self-check (health=)

    private static final long INTERVAL = 700;

    /** What the fake app's /health answers; every probe is recorded. */
    private volatile boolean healthy = true;
    private final List<ServiceInstance> probed = new CopyOnWriteArrayList<>();
    /** Probes handed to the executor and not yet run, when a test runs them by hand. */
    private final List<Runnable> queuedProbes = new CopyOnWriteArrayList<>();

    private final HealthCheck fakeHealth = instance -> {
        probed.add(instance);
        return healthy ? HealthCheck.Result.pass("/health answered 200", Duration.ofMillis(1))
                : HealthCheck.Result.fail("/health answered 503", Duration.ofMillis(1));
    };

    /** A loop with {@code health=/health,health-interval=700ms} whose probes run at once on the stepping thread. */
    private AgentLoop healthLoop(String extraArgs) {
        return healthLoop(extraArgs, Runnable::run);
    }

    private AgentLoop healthLoop(String extraArgs, java.util.concurrent.Executor executor) {
        String args = "service=" + SERVICE + ",ttl=3s,health=/health,health-interval=" + INTERVAL + "ms"
                + (extraArgs.isEmpty() ? "" : "," + extraArgs);
        AgentConfig config = AgentConfigParser.parse(args, Map.of(), Map.of());
        SelfCheck selfCheck = new SelfCheck(config.health().orElseThrow(), () -> fakeHealth, () -> executor);
        AgentLoop loop = new AgentLoop(config, () -> registry, Set.of(), ID,
                new ProcNetListeners(Path.of("/nonexistent")), selfCheck, new Handoff());
        loops.add(loop);
        assertThat(loop.openRegistry()).isTrue();
        return loop;
    }

    private Status status() {
        return theInstance().status();
    }

    /** Steps once per probe interval from {@code from}, {@code count} times; returns the status after each. */
    private List<Status> stepEachInterval(AgentLoop loop, long from, int count) {
        List<Status> statuses = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            loop.step(from + i * INTERVAL);
            statuses.add(status());
        }
        return statuses;
    }

    @Test
    void step_healthSet_registersStartingAndProbesOnlyOneIntervalLater() throws IOException {
        AgentLoop loop = healthLoop("");
        loop.onBind(bound());

        loop.step(T0);

        assertThat(status()).isEqualTo(Status.STARTING);
        assertThat(probed).isEmpty();

        loop.step(T0 + INTERVAL - 1);

        assertThat(status()).isEqualTo(Status.STARTING);
        assertThat(probed).isEmpty();
    }

    @Test
    void step_firstProbePasses_upAtOnceWhateverRise() throws IOException {
        AgentLoop loop = healthLoop("health-rise=5");
        loop.onBind(bound());
        loop.step(T0);

        loop.step(T0 + INTERVAL);

        assertThat(probed).hasSize(1);
        assertThat(status()).isEqualTo(Status.UP);
        assertThat(loop.registered().status()).isEqualTo(Status.UP);
        assertThat(registry.registers.get()).as("STARTING, then UP in the same step as the pass").isEqualTo(2);
    }

    @Test
    void step_failingBeforeFirstPass_staysStartingAndWritesNothingMore() throws IOException {
        AgentLoop loop = healthLoop("");
        loop.onBind(bound());
        loop.step(T0);
        healthy = false;

        List<Status> statuses = stepEachInterval(loop, T0 + INTERVAL, 10);

        assertThat(probed).hasSize(10);
        assertThat(statuses).containsOnly(Status.STARTING);
        assertThat(registry.registers.get()).isEqualTo(1);
    }

    @Test
    void step_upAppFailing_downAtTheFallThFailureRegisteredAtOnce() throws IOException {
        AgentLoop loop = healthLoop("");
        loop.onBind(bound());
        loop.step(T0);
        loop.step(T0 + INTERVAL);
        assertThat(status()).isEqualTo(Status.UP);
        healthy = false;

        List<Status> statuses = stepEachInterval(loop, T0 + 2 * INTERVAL, 4);

        assertThat(statuses).containsExactly(Status.UP, Status.UP, Status.DOWN, Status.DOWN);
        assertThat(registry.registers.get()).as("STARTING, UP, DOWN").isEqualTo(3);
    }

    @Test
    void step_downAppHealthyAgain_upAfterRisePasses() throws IOException {
        AgentLoop loop = healthLoop("health-fall=1");
        loop.onBind(bound());
        loop.step(T0);
        loop.step(T0 + INTERVAL);
        healthy = false;
        loop.step(T0 + 2 * INTERVAL);
        assertThat(status()).isEqualTo(Status.DOWN);
        healthy = true;

        assertThat(stepEachInterval(loop, T0 + 3 * INTERVAL, 3)).containsExactly(Status.DOWN, Status.UP, Status.UP);
    }

    @Test
    void step_alternatingHealth_neverFlips() throws IOException {
        AgentLoop loop = healthLoop("");
        loop.onBind(bound());
        loop.step(T0);
        loop.step(T0 + INTERVAL);
        int registers = registry.registers.get();

        for (int i = 0; i < 20; i++) {
            healthy = i % 2 == 1;
            loop.step(T0 + (2 + i) * INTERVAL);
        }

        assertThat(status()).isEqualTo(Status.UP);
        assertThat(registry.registers.get()).isEqualTo(registers);
    }

    @Test
    void step_statusChange_doesNotWaitForTheHeartbeat() throws IOException {
        AgentLoop loop = healthLoop("health-fall=1");
        loop.onBind(bound());
        loop.step(T0);
        loop.step(T0 + INTERVAL);
        healthy = false;
        long changeAt = T0 + 2 * INTERVAL; // 1400 ms after the registration; heartbeats are due at 1000 and 2000

        loop.step(changeAt);

        assertThat(status()).isEqualTo(Status.DOWN);
        assertThat(registry.registers.get()).isEqualTo(3);
    }

    @Test
    void step_probe_reachesTheBoundAddressOnTheRegisteredPort() throws IOException {
        AgentLoop loop = healthLoop("host=10.9.9.9,meta.version=1.4");
        ServerSocketChannel channel = bound();
        loop.onBind(channel);
        loop.step(T0);

        loop.step(T0 + INTERVAL);

        ServiceInstance target = probed.get(0);
        assertThat(target.host()).as("not the advertised host").isEqualTo("127.0.0.1");
        assertThat(target.port()).isEqualTo(port(channel));
        assertThat(target.id()).isEqualTo(ID);
        assertThat(theInstance().host()).isEqualTo("10.9.9.9");
    }

    @Test
    void step_probeOfWildcardListener_reachesLoopback() throws IOException {
        AgentLoop loop = healthLoop("host=10.9.9.9");
        ServerSocketChannel channel = ServerSocketChannel.open();
        channels.add(channel);
        channel.bind(new InetSocketAddress(0));
        loop.onBind(channel);
        loop.step(T0);

        loop.step(T0 + INTERVAL);

        assertThat(probed.get(0).address()).isEqualTo("127.0.0.1:" + port(channel));
    }

    @Test
    void step_probe_runsOnTheExecutorOneAtATime() throws IOException {
        AgentLoop loop = healthLoop("", queuedProbes::add);
        loop.onBind(bound());
        loop.step(T0);

        loop.step(T0 + INTERVAL);
        loop.step(T0 + 2 * INTERVAL);
        loop.step(T0 + 3 * INTERVAL);

        assertThat(queuedProbes).as("one probe handed over, none while it runs").hasSize(1);
        assertThat(probed).as("nothing runs on the stepping thread").isEmpty();
        assertThat(status()).isEqualTo(Status.STARTING);

        queuedProbes.remove(0).run();
        loop.step(T0 + 3 * INTERVAL + 1);

        assertThat(status()).isEqualTo(Status.UP);
        loop.step(T0 + 4 * INTERVAL + 1);
        assertThat(queuedProbes).as("the next probe after the result").hasSize(1);
    }

    @Test
    void step_listenerClosedAndOpenedAgain_startsOverAsStarting() throws IOException {
        AgentLoop loop = healthLoop("");
        ServerSocketChannel first = bound();
        loop.onBind(first);
        loop.step(T0);
        loop.step(T0 + INTERVAL);
        assertThat(status()).isEqualTo(Status.UP);

        first.close();
        loop.step(T0 + INTERVAL + 10);
        assertThat(registered()).isEmpty();
        loop.onBind(bound());
        loop.step(T0 + INTERVAL + 20);

        assertThat(status()).isEqualTo(Status.STARTING);
        loop.step(T0 + 2 * INTERVAL + 19);
        assertThat(probed).as("first probe one interval after registering again").hasSize(1);
        loop.step(T0 + 2 * INTERVAL + 20);
        assertThat(status()).isEqualTo(Status.UP);
    }

    @Test
    void step_resultOfProbeFromBeforeDeregistration_isIgnored() throws IOException {
        AgentLoop loop = healthLoop("", queuedProbes::add);
        ServerSocketChannel first = bound();
        loop.onBind(first);
        loop.step(T0);
        loop.step(T0 + INTERVAL);
        assertThat(queuedProbes).hasSize(1);

        first.close();
        loop.step(T0 + INTERVAL + 10);
        loop.onBind(bound());
        loop.step(T0 + INTERVAL + 20);
        queuedProbes.remove(0).run(); // the old probe passes, too late
        loop.step(T0 + INTERVAL + 30);

        assertThat(status()).isEqualTo(Status.STARTING);
    }

    @Test
    void step_registryUnavailableWhenStatusChanges_registersTheLatestStatusWhenBack() throws IOException {
        AgentLoop loop = healthLoop("health-fall=1");
        loop.onBind(bound());
        loop.step(T0);
        loop.step(T0 + INTERVAL);
        registry.failing = true;
        healthy = false;

        long t = T0 + 2 * INTERVAL;
        for (; t < T0 + 6 * INTERVAL; t += 10) {
            loop.step(t);
        }
        assertThat(loop.registered().status()).as("what it wants registered").isEqualTo(Status.DOWN);
        assertThat(status()).as("not registered while the registry is away").isEqualTo(Status.UP);

        registry.failing = false;

        await().atMost(Duration.ofSeconds(3)).until(() -> status() == Status.DOWN);
    }

    @Test
    void step_leaseLostWhileDown_registersAgainAsDown() throws IOException {
        AgentLoop loop = healthLoop("health-fall=1");
        loop.onBind(bound());
        loop.step(T0);
        loop.step(T0 + INTERVAL);
        healthy = false;
        loop.step(T0 + 2 * INTERVAL);
        assertThat(status()).isEqualTo(Status.DOWN);

        memory.deregister(SERVICE, ID);

        await().atMost(Duration.ofSeconds(3)).until(() -> !registered().isEmpty());
        assertThat(status()).isEqualTo(Status.DOWN);
        assertThat(registry.renews.get()).isPositive();
    }

    @Test
    void step_noHealth_upAtOnceAndNothingProbes() throws IOException {
        long healthThreads = threadsNamed("beacon-health");
        AgentLoop loop = loop("");
        loop.onBind(bound());

        for (long t = T0; t < T0 + 10 * HEARTBEAT; t += 100) {
            loop.step(t);
        }

        assertThat(status()).isEqualTo(Status.UP);
        assertThat(registry.registers.get()).isEqualTo(1);
        assertThat(threadsNamed("beacon-health")).isEqualTo(healthThreads);
    }

    @Test
    void shutdown_withHealth_probesNoMore() throws IOException {
        AgentLoop loop = healthLoop("");
        loop.onBind(bound());
        loop.step(T0);

        loop.shutdown();
        loop.step(T0 + 5 * INTERVAL);

        assertThat(probed).isEmpty();
    }

    @Test
    void step_statusChanges_loggedAtInfoWithTheReason() throws IOException {
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        java.io.PrintStream original = System.err;
        System.setErr(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
        dev.beacon.agent.logging.AgentLog.setLevel("info"); // the level is process-wide; other tests change it
        try {
            AgentLoop loop = healthLoop("");
            loop.onBind(bound());
            loop.step(T0);
            healthy = false;
            stepEachInterval(loop, T0 + INTERVAL, 4);
            healthy = true;
            loop.step(T0 + 5 * INTERVAL);
            healthy = false;
            stepEachInterval(loop, T0 + 6 * INTERVAL, 3);
        } finally {
            System.setErr(original);
        }

        List<String> lines = AgentLines.messages(captured.toString(java.nio.charset.StandardCharsets.UTF_8).lines()
                .toList()).stream().filter(message -> !message.startsWith("advertising ")).toList();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).startsWith("registered service=orders id=" + ID + " at 127.0.0.1:")
                .endsWith(" as STARTING; health /health every 700 ms (rise 2, fall 3)");
        assertThat(lines.get(1)).isEqualTo("orders id=" + ID + " is not ready yet: /health answered 503 "
                + "(3 failures in a row); it stays STARTING until /health passes");
        assertThat(lines.get(2)).isEqualTo("orders id=" + ID + " is now UP: /health answered 200");
        assertThat(lines.get(3)).isEqualTo("orders id=" + ID
                + " is now DOWN: /health answered 503 (3 failures in a row)");
    }

    @Test
    void step_realHttpServerOnTheRegisteredPort_followsItsAnswers() throws Exception {
        HttpServer app = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        AtomicInteger answer = new AtomicInteger(200);
        app.createContext("/health", exchange -> {
            exchange.sendResponseHeaders(answer.get(), -1);
            exchange.close();
        });
        app.start();
        AgentLoop loop = null;
        try {
            // The forced port is the server's, so the path is probed there; the production self-check runs it.
            AgentConfig config = AgentConfigParser.parse("service=orders,ttl=3s,health=/health,health-interval=100ms,"
                    + "health-fall=2,port=" + app.getAddress().getPort(), Map.of(), Map.of());
            loop = newLoop(config, Set.of(), new ProcNetListeners(Path.of("/nonexistent")));
            assertThat(loop.openRegistry()).isTrue();
            loop.onBind(bound());
            long[] t = {T0};
            AgentLoop running = loop;
            running.step(t[0]);
            assertThat(status()).isEqualTo(Status.STARTING);

            stepUntil(running, t, Status.UP);
            assertThat(Thread.getAllStackTraces().keySet()).filteredOn(th -> th.getName().equals("beacon-health"))
                    .isNotEmpty().allMatch(Thread::isDaemon);
            answer.set(503);
            stepUntil(running, t, Status.DOWN);
            answer.set(204);
            stepUntil(running, t, Status.UP);
        } finally {
            if (loop != null) {
                loop.shutdown();
            }
            app.stop(0);
        }
    }

    /** Steps in 50 ms of fake time (and 10 ms of real time, for the probing thread) until the status is reached. */
    private void stepUntil(AgentLoop loop, long[] t, Status expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (status() != expected) {
            assertThat(System.nanoTime()).as("still " + status() + ", waiting for " + expected).isLessThan(deadline);
            t[0] += 50;
            loop.step(t[0]);
            Thread.sleep(10);
        }
    }

    private static long threadsNamed(String name) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(name)).count();
    }

    @ParameterizedTest
    @ValueSource(strings = {"redis://10.0.0.7:6379", "redis://u:p@cache.internal:6379/2", "rediss://[2001:db8::1]:6380",
        "redis-sentinel://127.0.0.1:26379,10.0.0.8:26379/m", "REDIS-CLUSTER://h1:7000,h2:7001"})
    void spansHosts_redisWithAHostOtherThanLoopback_isTrue(String uri) {
        assertThat(RegistrationNotices.spansHosts(uri)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"file:/tmp/r", "memory:", "redis://127.0.0.1:6379", "redis://localhost",
        "redis://:p@[::1]:6379/0?timeout=1s", "redis-sentinel://127.0.0.1:26379,127.0.0.2:26380/mymaster"})
    void spansHosts_localRegistries_isFalse(String uri) {
        assertThat(RegistrationNotices.spansHosts(uri)).isFalse();
    }

    @Test
    void step_socketClosedButStillListedInProc_isDeregistered_andOnlyALaterScanTakesThePortBack(
            @org.junit.jupiter.api.io.TempDir Path proc) throws IOException {
        ServerSocketChannel channel = bound();
        int port = port(channel);
        // a /proc that still lists the port as this process's listener, as the kernel may while a close completes
        Path net = java.nio.file.Files.createDirectories(proc.resolve("self/net"));
        java.nio.file.Files.write(net.resolve("tcp"), List.of(
                "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
                String.format("   0: 0100007F:%04X 00000000:0000 0A 00000000:00000000 00:00000000 00000000  0 0 4242 1 "
                        + "0000000000000000 100 0 0 10 0", port)));
        java.nio.file.Files.createSymbolicLink(java.nio.file.Files.createDirectories(proc.resolve("self/fd"))
                .resolve("7"), Path.of("socket:[4242]"));
        AgentConfig config = AgentConfigParser.parse("service=" + SERVICE + ",ttl=3s", Map.of(), Map.of());
        AgentLoop loop = newLoop(config, Set.of(), new ProcNetListeners(proc));
        assertThat(loop.openRegistry()).isTrue();
        loop.onBind(channel);
        loop.step(T0);
        assertThat(theInstance().port()).isEqualTo(port);

        channel.close();
        loop.step(T0 + 10_000); // the hooked socket is closed; the /proc scan due now still lists its port

        assertThat(registered()).as("closed, so deregistered at once, not at the next scan").isEmpty();

        loop.step(T0 + 11_000); // the next scan, a second later, still lists it: a listener the hooks did not see

        assertThat(theInstance().port()).isEqualTo(port);
    }
}
