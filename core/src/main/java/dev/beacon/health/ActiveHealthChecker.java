package dev.beacon.health;

import dev.beacon.ServiceInstance;
import dev.beacon.Status;
import dev.beacon.health.internal.CheckPool;
import dev.beacon.health.internal.CheckerSettings;
import dev.beacon.health.internal.HealthTracker;
import dev.beacon.health.internal.RegistryOutage;
import dev.beacon.health.internal.RoundSchedule;
import dev.beacon.health.internal.StatusWriter;
import dev.beacon.registry.ServiceRegistry;
import dev.beacon.registry.Ttl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ScheduledExecutorService;
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

    private final CheckerSettings settings;
    private final RoundSchedule schedule;
    private final CheckPool pool;
    private final HealthTracker tracker;
    private final RegistryOutage outage;
    private final StatusWriter writer;
    private final ReentrantLock roundLock = new ReentrantLock();
    private final AtomicReference<Map<String, List<InstanceHealth>>> results = new AtomicReference<>(Map.of());

    private ActiveHealthChecker(CheckerSettings settings) {
        this.settings = settings;
        this.schedule = new RoundSchedule("beacon-health-checker", settings.interval(), settings.scheduler());
        this.pool = new CheckPool(settings.check(), settings.concurrency(), settings.interval(), "beacon-health-check");
        this.tracker = new HealthTracker(settings.thresholds());
        this.outage = new RegistryOutage(settings.registry(), settings.interval());
        this.writer = new StatusWriter(settings.registry(), settings.leaseTtl(), outage);
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
        schedule.start(this::round);
        return this;
    }

    /**
     * Runs one round now, on the calling thread, which waits for its checks (they still run on the pool). Waits for
     * a round already running to end first.
     *
     * @throws IllegalStateException if closed
     */
    public void checkNow() {
        if (schedule.isClosed()) {
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

    /** One round: read the instances, check them all, write the status changes, publish the results. */
    private void round() {
        roundLock.lock();
        try {
            if (schedule.isClosed()) {
                return;
            }
            Optional<List<ServiceInstance>> read = readInstances();
            if (read.isEmpty()) {
                return;
            }
            List<ServiceInstance> instances = read.get();
            Optional<List<HealthCheck.Result>> checked = pool.checkAll(instances,
                    System.nanoTime() + settings.interval().toNanos());
            if (checked.isEmpty()) {
                return; // closed while the round ran
            }
            tracker.beginRound();
            Map<String, List<InstanceHealth>> snapshot = new TreeMap<>();
            for (int i = 0; i < instances.size(); i++) {
                if (schedule.isClosed()) {
                    return;
                }
                ServiceInstance instance = instances.get(i);
                HealthCheck.Result result = checked.get().get(i);
                InstanceHealth health = apply(instance, result);
                snapshot.computeIfAbsent(instance.service(), s -> new ArrayList<>()).add(health);
            }
            tracker.endRound();
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

    /** The instances to check; empty when the registry cannot be read (reported once per outage). */
    private Optional<List<ServiceInstance>> readInstances() {
        try {
            List<ServiceInstance> instances = new ArrayList<>();
            if (settings.services().isEmpty()) {
                settings.registry().snapshot().values().forEach(instances::addAll);
            } else {
                for (String service : settings.services()) {
                    instances.addAll(settings.registry().instances(service));
                }
            }
            outage.worked();
            return Optional.of(instances);
        } catch (RuntimeException e) {
            outage.failed("reading the instances", e);
            return Optional.empty();
        }
    }

    /** Takes one result into the rise/fall state, writes the status change it calls for, and says what it found. */
    private InstanceHealth apply(ServiceInstance instance, HealthCheck.Result result) {
        HealthTracker.Step step = tracker.step(instance, result.passed());
        Optional<ServiceInstance> written = step.write().flatMap(status -> writer.write(instance, status));
        tracker.remember(instance, step, written.isPresent());
        written.ifPresent(shown -> {
            if (shown.status() == Status.DOWN) {
                log.info("{} id={} at {} is now DOWN: {} ({} failures in a row)", instance.service(),
                        instance.id(), instance.address(), result.detail(), step.state().failures());
            } else {
                log.info("{} id={} at {} is now UP again: {} ({} passes in a row)", instance.service(),
                        instance.id(), instance.address(), result.detail(), step.state().passes());
            }
        });
        return new InstanceHealth(written.orElse(instance), step.state(), result, settings.clock().instant());
    }

    /** Stops the rounds and the checks in flight. Idempotent; does not close the registry or an injected scheduler. */
    @Override
    public void close() {
        schedule.close();
        pool.close();
    }

    @Override
    public String toString() {
        return "ActiveHealthChecker[" + settings.check() + " every " + settings.interval().toMillis() + " ms on "
                + settings.registry() + (settings.services().isEmpty() ? "" : " for " + settings.services()) + "]";
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
            return new ActiveHealthChecker(new CheckerSettings(registry, check, services, interval, thresholds,
                    leaseTtl, concurrency, clock, Optional.ofNullable(scheduler)));
        }
    }
}
