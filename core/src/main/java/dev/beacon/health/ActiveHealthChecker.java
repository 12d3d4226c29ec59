package dev.beacon.health;

import dev.beacon.registry.Ttl;
import dev.beacon.ServiceInstance;
import dev.beacon.Status;
import dev.beacon.registry.ServiceRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Checks every instance of a registry (or of some services) every interval and records what it finds in the
 * registry, for all clients to see: an {@code UP} instance that fails {@code fall} checks in a row is re-registered
 * {@code DOWN}, and one the checker took down is re-registered {@code UP} after {@code rise} passes in a row.
 *
 * <p><b>Rounds.</b> A round reads the instances, checks them all at once on a bounded pool ({@code concurrency}
 * threads, so N instances take about {@code ceil(N / concurrency)} check timeouts, not N), then applies the results.
 * Rounds never overlap: the next starts one {@code interval} after the previous ended. A check still running one
 * {@code interval} after its round started is cancelled and counts as failed, so keep the check's timeout below the
 * interval. Nothing runs on the caller's thread except {@link #checkNow()}; lookups never wait for a check.
 *
 * <p><b>Whose status it is.</b> The checker moves instances only between {@code UP} and {@code DOWN}.
 * {@code STARTING} and {@code DRAINING} belong to the instance's owner (its readiness and its shutdown): such
 * instances are checked and reported, never overwritten. An instance its owner registered {@code DOWN} (for example
 * the agent's own self-check) is not brought {@code UP} by the checker either: it only undoes its own
 * {@code DOWN}s. It cannot tell its {@code DOWN} from an owner's that came later; then the last writer wins.
 *
 * <p><b>Leases.</b> The registry has no "change the status only" operation, so a status change is a re-registration
 * of the instance as it is now (read again just before writing, so a newer address or metadata is kept, and an
 * instance that is gone is not brought back) with the new status and a lease of {@code leaseTtl}. Registries keep
 * that TTL for the owner's later renewals, so set {@code leaseTtl} to the TTL the instances register with (default
 * {@code 9s}, the agent's default): a shorter one could let an instance expire between its owner's heartbeats. An
 * instance whose process died is checked, found failing and written {@code DOWN} once; it then expires
 * {@code leaseTtl} later, since nobody renews it. Between the read and the write the owner may change the
 * instance; that change is then overwritten until the owner writes again (a narrow window, once per change).
 *
 * <p>Thread-safe. {@link #results()} is a snapshot swapped atomically after each round: at most one interval plus one
 * round old. Owns threads: {@link #start()} starts them, {@link #close()} (idempotent) stops them; it does not close
 * the registry.
 */
public final class ActiveHealthChecker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ActiveHealthChecker.class);

    private record Key(String service, String id) {
    }

    private record Tracked(HealthState state, boolean downedByChecker) {
    }

    private final ServiceRegistry registry;
    private final HealthCheck check;
    private final Set<String> services;
    private final Duration interval;
    private final HealthThresholds thresholds;
    private final Duration leaseTtl;
    private final Clock clock;
    private final ScheduledExecutorService injectedScheduler;
    private final ThreadPoolExecutor pool;
    private final ReentrantLock roundLock = new ReentrantLock();
    private final AtomicReference<Map<String, List<InstanceHealth>>> results = new AtomicReference<>(Map.of());
    private final Object lifecycle = new Object();
    // Guarded by roundLock.
    private Map<Key, Tracked> tracked = new HashMap<>();
    private boolean registryFailing;
    // Guarded by lifecycle.
    private ScheduledExecutorService scheduler;
    private ScheduledFuture<?> schedule;
    private boolean started;
    private volatile boolean closed;

    private ActiveHealthChecker(Builder builder) {
        this.registry = builder.registry;
        this.check = builder.check;
        this.services = Set.copyOf(builder.services);
        this.interval = builder.interval;
        this.thresholds = builder.thresholds;
        this.leaseTtl = builder.leaseTtl;
        this.clock = builder.clock;
        this.injectedScheduler = builder.scheduler;
        AtomicInteger threadNumber = new AtomicInteger();
        // Threads are started on demand by the first round, and end after 30 s without work.
        this.pool = new ThreadPoolExecutor(builder.concurrency, builder.concurrency, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), runnable -> {
                    Thread thread = new Thread(runnable, "beacon-health-check-" + threadNumber.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        this.pool.allowCoreThreadTimeOut(true);
    }

    /**
     * Starts a builder.
     *
     * @param registry where the instances are read and their status changes written
     * @param check    what to check, such as {@code HealthCheck.http("/health", Duration.ofSeconds(1))}
     */
    public static Builder builder(ServiceRegistry registry, HealthCheck check) {
        return new Builder(registry, check);
    }

    /**
     * Starts checking: the first round at once, then one every interval, on a daemon thread (or the injected
     * scheduler).
     *
     * @throws IllegalStateException if already started or closed
     */
    public ActiveHealthChecker start() {
        synchronized (lifecycle) {
            if (closed) {
                throw new IllegalStateException("health checker is closed; build a new one");
            }
            if (started) {
                throw new IllegalStateException("health checker is already started");
            }
            started = true;
            scheduler = injectedScheduler != null ? injectedScheduler : Executors.newSingleThreadScheduledExecutor(
                    runnable -> {
                        Thread thread = new Thread(runnable, "beacon-health-checker");
                        thread.setDaemon(true);
                        return thread;
                    });
            schedule = scheduler.scheduleWithFixedDelay(this::scheduledRound, 0, interval.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
        return this;
    }

    /**
     * Runs one round now, on the calling thread, which waits for its checks (they still run on the pool). Waits for
     * a round already running to end first.
     *
     * @throws IllegalStateException if closed
     */
    public void checkNow() {
        if (closed) {
            throw new IllegalStateException("health checker is closed");
        }
        round();
    }

    /** The last result of every instance checked in the last round, by service (sorted), ordered by id. */
    public Map<String, List<InstanceHealth>> results() {
        return results.get();
    }

    /** The last result for one instance, if the last round checked it. */
    public Optional<InstanceHealth> result(String service, String id) {
        return results.get().getOrDefault(service, List.of()).stream()
                .filter(health -> health.instance().id().equals(id)).findFirst();
    }

    private void scheduledRound() {
        try {
            round();
        } catch (Throwable t) {
            // Never let an exception end the schedule.
            log.warn("health check round failed; the next one runs in {} ms", interval.toMillis(), t);
        }
    }

    private void round() {
        roundLock.lock();
        try {
            if (closed) {
                return;
            }
            List<ServiceInstance> instances = readInstances();
            if (instances == null) {
                return;
            }
            long deadline = System.nanoTime() + interval.toNanos();
            List<Future<HealthCheck.Result>> futures = new ArrayList<>(instances.size());
            for (ServiceInstance instance : instances) {
                try {
                    futures.add(pool.submit(() -> checkSafely(instance)));
                } catch (RejectedExecutionException e) {
                    return; // closed while the round ran
                }
            }
            Map<Key, Tracked> next = new HashMap<>();
            Map<String, List<InstanceHealth>> snapshot = new TreeMap<>();
            for (int i = 0; i < instances.size(); i++) {
                ServiceInstance instance = instances.get(i);
                HealthCheck.Result result = await(futures.get(i), deadline);
                if (closed) {
                    return;
                }
                Key key = new Key(instance.service(), instance.id());
                InstanceHealth health = apply(instance, result, tracked.get(key), next, key);
                snapshot.computeIfAbsent(instance.service(), s -> new ArrayList<>()).add(health);
            }
            tracked = next; // instances no longer listed are forgotten
            Map<String, List<InstanceHealth>> published = new LinkedHashMap<>();
            snapshot.forEach((service, list) -> {
                list.sort(Comparator.comparing(health -> health.instance().id()));
                published.put(service, List.copyOf(list));
            });
            results.set(Collections.unmodifiableMap(published));
        } finally {
            roundLock.unlock();
        }
    }

    /** The instances to check, or null when the registry cannot be read (reported once per outage). */
    private List<ServiceInstance> readInstances() {
        try {
            List<ServiceInstance> instances = new ArrayList<>();
            if (services.isEmpty()) {
                registry.snapshot().values().forEach(instances::addAll);
            } else {
                for (String service : services) {
                    instances.addAll(registry.instances(service));
                }
            }
            registryWorked();
            return instances;
        } catch (RuntimeException e) {
            registryFailed("reading the instances", e);
            return null;
        }
    }

    private HealthCheck.Result checkSafely(ServiceInstance instance) {
        try {
            return Objects.requireNonNull(check.check(instance), "the health check returned null");
        } catch (RuntimeException e) {
            return HealthCheck.Result.fail(check + " threw " + e, Duration.ZERO);
        }
    }

    private HealthCheck.Result await(Future<HealthCheck.Result> future, long deadline) {
        try {
            return future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            return HealthCheck.Result.fail("no result within the interval of " + interval.toMillis() + " ms",
                    interval);
        } catch (ExecutionException | CancellationException e) {
            return HealthCheck.Result.fail("check failed: " + e, Duration.ZERO);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            return HealthCheck.Result.fail("interrupted", Duration.ZERO);
        }
    }

    private InstanceHealth apply(ServiceInstance instance, HealthCheck.Result result, Tracked previous,
                                 Map<Key, Tracked> next, Key key) {
        Status registered = instance.status();
        HealthState state = previous == null ? HealthState.starting() : previous.state();
        boolean downedByChecker = previous != null && previous.downedByChecker() && registered == Status.DOWN;
        if (state.status() == Status.STARTING) {
            // Never passed under this checker: take over what the owner says, so that an UP instance can fall.
            state = state.withStatus(HealthState.assuming(registered).status());
        }
        state = thresholds.next(state, result.passed());
        ServiceInstance shown = instance;
        if (registered == Status.UP && state.status() == Status.DOWN) {
            ServiceInstance written = write(instance, Status.DOWN);
            if (written != null) {
                shown = written;
                downedByChecker = true;
                log.info("{} id={} at {} is now DOWN: {} ({} failures in a row)", instance.service(),
                        instance.id(), instance.address(), result.detail(), state.failures());
            }
        } else if (registered == Status.DOWN && downedByChecker && state.status() == Status.UP) {
            ServiceInstance written = write(instance, Status.UP);
            if (written != null) {
                shown = written;
                downedByChecker = false;
                log.info("{} id={} at {} is now UP again: {} ({} passes in a row)", instance.service(),
                        instance.id(), instance.address(), result.detail(), state.passes());
            }
        }
        next.put(key, new Tracked(state, downedByChecker));
        return new InstanceHealth(shown, state, result, clock.instant());
    }

    /**
     * Re-registers the instance as it is now with {@code status}; returns what was written, or null if the instance
     * is gone, its owner changed its status meanwhile, or the registry failed (then the next round tries again).
     */
    private ServiceInstance write(ServiceInstance seen, Status status) {
        try {
            Optional<ServiceInstance> current = registry.instances(seen.service()).stream()
                    .filter(i -> i.id().equals(seen.id())).findFirst();
            registryWorked();
            if (current.isEmpty() || current.get().status() != seen.status()) {
                return null;
            }
            ServiceInstance updated = current.get().withStatus(status);
            registry.register(updated, leaseTtl);
            return updated;
        } catch (RuntimeException e) {
            registryFailed("marking " + seen.service() + " id=" + seen.id() + " " + status, e);
            return null;
        }
    }

    private void registryFailed(String operation, RuntimeException e) {
        if (!registryFailing) {
            registryFailing = true;
            log.warn("health checker: registry {} failed {}; retrying every round ({} ms)", registry, operation,
                    interval.toMillis(), e);
        } else {
            log.debug("health checker: registry {} still failing ({})", registry, operation, e);
        }
    }

    private void registryWorked() {
        if (registryFailing) {
            registryFailing = false;
            log.info("health checker: registry {} works again", registry);
        }
    }

    /** Stops the rounds and the checks in flight. Idempotent; does not close the registry or an injected scheduler. */
    @Override
    public void close() {
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
            if (schedule != null) {
                schedule.cancel(true);
            }
            if (scheduler != null && scheduler != injectedScheduler) {
                scheduler.shutdownNow();
            }
            pool.shutdownNow();
        }
    }

    @Override
    public String toString() {
        return "ActiveHealthChecker[" + check + " every " + interval.toMillis() + " ms on " + registry
                + (services.isEmpty() ? "" : " for " + services) + "]";
    }

    /** Configures an {@link ActiveHealthChecker}; setters fail fast, naming the bad value. Not thread-safe. */
    public static final class Builder {
        private final ServiceRegistry registry;
        private final HealthCheck check;
        private Set<String> services = Set.of();
        private Duration interval = Duration.ofSeconds(10);
        private HealthThresholds thresholds = HealthThresholds.defaults();
        private Duration leaseTtl = Duration.ofSeconds(9);
        private int concurrency = 64;
        private Clock clock = Clock.systemUTC();
        private ScheduledExecutorService scheduler;

        private Builder(ServiceRegistry registry, HealthCheck check) {
            this.registry = Objects.requireNonNull(registry, "registry");
            this.check = Objects.requireNonNull(check, "check");
        }

        /** Checks only these services; by default every service in the registry. */
        public Builder services(Collection<String> names) {
            Set<String> copy = new LinkedHashSet<>();
            for (String name : names) {
                copy.add(ServiceInstance.checkServiceName(name));
            }
            this.services = copy;
            return this;
        }

        /** Checks only these services; by default every service in the registry. */
        public Builder services(String... names) {
            return services(List.of(names));
        }

        /** Time between the end of one round and the start of the next; default 10s; 100ms to 1h. */
        public Builder interval(Duration interval) {
            if (interval == null || interval.compareTo(Duration.ofMillis(100)) < 0
                    || interval.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException("interval must be between 100ms and 1h, but was " + interval);
            }
            this.interval = interval;
            return this;
        }

        /** Rise and fall; default {@link HealthThresholds#defaults()} (2 and 3). */
        public Builder thresholds(HealthThresholds thresholds) {
            this.thresholds = Objects.requireNonNull(thresholds, "thresholds");
            return this;
        }

        /** The lease of a re-registration that changes a status; default 9s (the agent's default TTL). */
        public Builder leaseTtl(Duration ttl) {
            this.leaseTtl = Ttl.check(ttl);
            return this;
        }

        /** How many checks run at once; default 64; 1..1024. */
        public Builder concurrency(int concurrency) {
            if (concurrency < 1 || concurrency > 1024) {
                throw new IllegalArgumentException("concurrency must be 1..1024, but was " + concurrency);
            }
            this.concurrency = concurrency;
            return this;
        }

        /** The clock of {@link InstanceHealth#checkedAt()}; default the system clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Runs the rounds on this scheduler instead of an own daemon thread; {@link #close()} leaves it running. */
        public Builder scheduler(ScheduledExecutorService scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /** Builds the checker; starts nothing. */
        public ActiveHealthChecker build() {
            return new ActiveHealthChecker(this);
        }
    }
}
