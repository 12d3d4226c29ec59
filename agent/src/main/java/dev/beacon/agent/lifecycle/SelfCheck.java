package dev.beacon.agent.lifecycle;

import dev.beacon.ServiceInstance;
import dev.beacon.Status;
import dev.beacon.agent.config.AgentConfig;
import dev.beacon.agent.logging.AgentLog;
import dev.beacon.health.HealthCheck;
import dev.beacon.health.HealthState;
import dev.beacon.health.HealthThresholds;
import dev.beacon.support.DaemonThreads;
import org.slf4j.Logger;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The agent's self-check ({@code health=}): probes the app and turns the results into the status the
 * {@link AgentLoop} registers. Without {@code health=} it is {@link #none()}: always {@code UP}, never probes.
 *
 * <p>The instance is registered {@code STARTING}; the first probe runs one interval later, and its first pass makes it
 * {@code UP} (rise 1 for that first step: a new instance has no history, and waiting longer only delays traffic).
 * Then {@code fall} failures in a row make it {@code DOWN} and {@code rise} passes {@code UP} again; failures before
 * the first pass keep it {@code STARTING} (said once at INFO). Each change is logged at INFO, and the loop registers
 * it at once.
 *
 * <p>Probes run one at a time on the agent's own daemon thread {@code beacon-health} (the HTTP client's threads are
 * daemon threads too), both created by the first probe, never on the app's threads nor on the loop's, so a slow app
 * delays no heartbeat. Each probe times out after one second, or the interval if that is shorter. A result is handed
 * back to the loop, which applies it under its lock; everything but {@link #takeResult}'s hand-off is guarded by that
 * lock.
 */
final class SelfCheck {

    private static final Logger log = AgentLog.get(SelfCheck.class);
    private static final Duration MAX_TIMEOUT = Duration.ofSeconds(1);

    private record Outcome(int generation, HealthCheck.Result result) {
    }

    private final AgentConfig.Health config;
    private final Supplier<HealthCheck> checkFactory;
    private final Supplier<Executor> executorFactory;
    private final AtomicReference<Outcome> finished = new AtomicReference<>();
    private volatile Runnable onResult = () -> { };
    private volatile HealthCheck check;
    private volatile Executor executor;
    private volatile boolean stopped;
    private HealthState state = HealthState.starting();
    private long nextProbeAt;
    private boolean probing;
    private int generation;
    private boolean toldNotReady;
    private final java.util.Optional<dev.beacon.agent.declared.Framework> framework;
    private boolean autoResolved;
    private volatile boolean autoNone;

    /**
     * @param config          the settings; null for {@link #none()}
     * @param checkFactory    makes the check, on the probing thread at the first probe; null: the HTTP check
     *                        {@code config} describes
     * @param executorFactory makes the executor the probes run on, at the first probe; null: one daemon thread
     */
    SelfCheck(AgentConfig.Health config, Supplier<HealthCheck> checkFactory, Supplier<Executor> executorFactory) {
        this(config, checkFactory, executorFactory, java.util.Optional.empty());
    }

    /** With the framework whose readiness endpoint {@code health=auto} probes (empty: none known). */
    SelfCheck(AgentConfig.Health config, Supplier<HealthCheck> checkFactory, Supplier<Executor> executorFactory,
              java.util.Optional<dev.beacon.agent.declared.Framework> framework) {
        this.framework = framework;
        this.config = config;
        this.checkFactory = checkFactory;
        this.executorFactory = executorFactory;
    }

    /** No self-check: always UP. */
    static SelfCheck none() {
        return new SelfCheck(null, null, null);
    }

    /**
     * The self-check {@code config} asks for, or {@link #none()}. Runs in premain, so it only stores the settings: no
     * thread, no client, not even a lambda.
     */
    static SelfCheck of(AgentConfig config) {
        return config.health().isPresent()
                ? new SelfCheck(config.health().get(), null, null, config.framework()) : none();
    }

    /**
     * {@code health=auto}, before the first registration: with a framework that has a readiness endpoint, probes it
     * (the instance is registered STARTING until it passes); without one, the self-check is off — UP at once — and
     * one INFO line says so. Does nothing otherwise, or the second time.
     */
    void resolveAuto() {
        if (config == null || !config.isAuto() || autoResolved) {
            return;
        }
        autoResolved = true;
        if (framework.isEmpty() || framework.get().readiness().isEmpty()) {
            autoNone = true;
            log.info("health=auto: {} has no readiness endpoint the agent knows; registering UP at once",
                    framework.map(f -> "this " + f.displayName() + " app").orElse("this app (no known framework)"));
        }
    }

    private HealthCheck httpCheck(AgentConfig.Health health) {
        Duration timeout = health.interval().compareTo(MAX_TIMEOUT) < 0 ? health.interval() : MAX_TIMEOUT;
        if (health.isAuto()) {
            return new AutoReadiness(framework.orElseThrow(), timeout);
        }
        return health.isPath() ? HealthCheck.http(health.target(), timeout)
                : HealthCheck.http(URI.create(health.target()), timeout);
    }

    private static ExecutorService daemonThread() {
        return Executors.newSingleThreadExecutor(DaemonThreads.named("beacon-health"));
    }

    boolean enabled() {
        return config != null && !autoNone;
    }

    /** Called with each finished probe's result, on the probing thread: the loop wakes up to apply it. */
    void onResult(Runnable action) {
        this.onResult = Objects.requireNonNull(action, "action");
    }

    /** The status to register: {@code UP} without a self-check, else what the probes say. */
    Status status() {
        return enabled() ? state.status() : Status.UP;
    }

    /** The instance has just been registered (it was not): the first probe is due one interval from {@code now}. */
    void registered(long now) {
        if (enabled()) {
            nextProbeAt = now + config.interval().toMillis();
        }
    }

    /** The instance was deregistered (the app stopped listening): start over as STARTING; ignore a probe in flight. */
    void deregistered() {
        state = HealthState.starting();
        generation++;
        probing = false;
        toldNotReady = false;
        finished.set(null);
    }

    /** Starts probing {@code target} if a probe is due and none is running. */
    void probeIfDue(long now, ServiceInstance target) {
        if (!enabled() || stopped || probing || now < nextProbeAt) {
            return;
        }
        if (executor == null) {
            executor = executorFactory != null ? executorFactory.get() : daemonThread();
        }
        int probeGeneration = generation;
        probing = true;
        nextProbeAt = now + config.interval().toMillis();
        try {
            executor.execute(() -> probe(probeGeneration, target));
        } catch (RejectedExecutionException e) {
            probing = false; // stopped meanwhile
        }
    }

    private void probe(int probeGeneration, ServiceInstance target) {
        HealthCheck.Result result;
        try {
            HealthCheck c = check;
            if (c == null) {
                c = checkFactory != null ? checkFactory.get() : httpCheck(config);
                check = c;
            }
            result = c.check(target);
        } catch (Throwable t) {
            // A check never throws; this is a missing java.net.http module or a bug: count it as a failure.
            result = HealthCheck.Result.fail("the probe of " + config.target() + " failed: " + t, Duration.ZERO);
        }
        finished.set(new Outcome(probeGeneration, result));
        onResult.run();
    }

    /**
     * Applies a finished probe, if any, and logs a change of status.
     *
     * @param instance the registered instance, named in the log line
     * @return whether the status changed (the loop then registers it at once)
     */
    boolean takeResult(ServiceInstance instance) {
        Outcome outcome = finished.getAndSet(null);
        if (outcome == null || outcome.generation() != generation) {
            return false;
        }
        probing = false;
        HealthCheck.Result result = outcome.result();
        HealthState before = state;
        state = thresholds().next(before, result.passed());
        if (state.status() != before.status()) {
            String streak = state.status() == Status.DOWN ? " (" + state.failures() + " failures in a row)"
                    : before.status() == Status.DOWN ? " (" + state.passes() + " passes in a row)" : "";
            log.info("{} id={} is now {}: {}{}", instance.service(), instance.id(), state.status(), result.detail(),
                    streak);
            return true;
        }
        if (state.status() == Status.STARTING && state.failures() >= thresholds().fall() && !toldNotReady) {
            toldNotReady = true;
            log.info("{} id={} is not ready yet: {} ({} failures in a row); it stays STARTING until {} passes",
                    instance.service(), instance.id(), result.detail(), state.failures(), config.target());
        } else {
            log.debug("{} id={} probe: {}", instance.service(), instance.id(), result.detail());
        }
        return false;
    }

    /** No more probes; a probe in flight is interrupted. */
    void stop() {
        stopped = true;
        if (executor instanceof ExecutorService service) {
            service.shutdownNow();
        }
    }

    private HealthThresholds thresholds() {
        return config.thresholds();
    }

    /** For the registration log line: what is checked and how often. */
    String describe() {
        if (enabled() && config.isAuto()) {
            if (framework.isEmpty() || framework.get().readiness().isEmpty()) {
                return "auto (no readiness endpoint known: not probed)";
            }
            return "auto (" + framework.get().displayName() + "'s readiness endpoint) every "
                    + config.interval().toMillis() + " ms (rise " + thresholds().rise() + ", fall "
                    + thresholds().fall() + ")";
        }
        return enabled() ? config.target() + " every " + config.interval().toMillis() + " ms (rise "
                + thresholds().rise() + ", fall " + thresholds().fall() + ")" : "none";
    }
}
