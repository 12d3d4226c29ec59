package dev.beacon.registry;

import dev.beacon.ServiceInstance;
import dev.beacon.registry.internal.LeaseKeeper;
import dev.beacon.support.DaemonThreads;
import dev.beacon.support.Durations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Keeps one instance registered for as long as it is open: the way to register from code, for apps that cannot take
 * the {@code -javaagent} (GraalVM native images, locked-down platforms) and for tests. The agent registers through
 * it too.
 * <pre>{@code
 * try (Registration registration = Registration.start(registry, instance, Duration.ofSeconds(9))) {
 *     ... serve ...
 * } // deregistered here
 * }</pre>
 *
 * <p><b>What it does.</b> {@link #start} registers the instance with a lease of {@code ttl}, then renews the lease
 * every heartbeat (default a third of the ttl). A renewal that finds the instance gone — its lease expired during a
 * long pause, someone deregistered it, the registry was restarted empty — registers it again (one INFO line).
 * {@link #update} replaces the registered instance (a new status, port or metadata). {@link #close()} deregisters.
 *
 * <p><b>Failures.</b> Neither {@link #start} nor {@link #update} throws when the registry fails (any
 * {@link RuntimeException} of the registry, typically {@link dev.beacon.RegistryUnavailableException}): the call is
 * retried with exponential backoff and jitter from 100-200 ms up to the heartbeat interval, so a registry that comes
 * back sees the instance again within one heartbeat. The first failure in a row is logged at WARN with its
 * exception, then one WARN a minute while it lasts, and one INFO when the registry answers again. While the
 * registry is unreachable the instance expires from it after its ttl, as it should: nobody can tell then whether the
 * app is alive.
 *
 * <p><b>How stale.</b> A lookup sees the instance as soon as {@code start} or {@code update} returned (if the registry
 * answered). After the process dies without {@code close()} (SIGKILL, a crash, a frozen JVM), it is still listed
 * until its lease runs out: at most one ttl after the last renewal.
 *
 * <p><b>Threads.</b> Thread-safe. Owns one daemon thread, {@code beacon-registration-<service>-<id>}, which makes
 * the renewals and the retries; it is started by {@code start} and ends in {@code close()}. The first registration,
 * each update and the deregistration run on the calling thread instead, so that when those methods return the
 * registry has been told (or the call has failed and is retried in the background). They wait for a renewal in
 * flight to finish first; calls to the registry are never concurrent. The registry is not closed with the
 * registration.
 */
public final class Registration implements AutoCloseable {

    /**
     * Nine seconds, renewed every three (ttl/3): an instance that crashed stops being chosen within 9.5 s — under the
     * 10 s Beacon promises at its defaults, a registry's half-second expiry sweep included — after three missed
     * heartbeats. For the renewal load this puts on Redis at scale, see BENCHMARKS.md, "Scale".
     */
    public static final Duration DEFAULT_TTL = Duration.ofSeconds(9);
    /** The shortest heartbeat interval accepted. */
    public static final Duration MIN_HEARTBEAT = Duration.ofMillis(100);

    private static final Logger log = LoggerFactory.getLogger(Registration.class);
    /** How long {@link #close()} waits for a registry call in flight, then for the thread to end. */
    static final long CLOSE_WAIT_MILLIS = 2_000;

    private final ServiceRegistry registry;
    private final Listener listener;
    private final LeaseKeeper keeper;
    private final Thread thread;
    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile ServiceInstance instance;
    /** Set when close() could not deregister because the thread was stuck in a registry call. */
    private volatile boolean deregisterOnExit;

    /**
     * Told what a registration achieved, for logging or readiness. Called on the thread that made the registry call:
     * the caller of {@link #start}, {@link #update} or {@link #close()}, or the registration's own thread for
     * retries. Must return quickly and must not call back into the registration except {@link #close()}; what it
     * throws is logged and ignored.
     */
    public interface Listener {

        /** After each successful registration: the first, each update, and each one after a lost lease or outage. */
        default void registered(ServiceInstance instance) {
        }

        /** After {@link #close()} removed the instance (not when that failed: the instance then expires). */
        default void deregistered(ServiceInstance instance) {
        }
    }

    private Registration(Builder builder) {
        this.registry = builder.registry;
        this.listener = builder.listener;
        this.instance = builder.instance;
        this.keeper = new LeaseKeeper(builder.registry, builder.instance, builder.ttl, builder.heartbeat(), log,
                listener::registered);
        this.thread = DaemonThreads.named("beacon-registration-" + builder.instance.service() + "-"
                + builder.instance.id()).newThread(this::run);
    }

    /**
     * Registers {@code instance} with a lease of {@code ttl}, renewed every {@code ttl/3}, and keeps it registered
     * until {@link #close()}. Makes the first attempt on the calling thread; does not throw if the registry fails
     * (it retries in the background, see the class description).
     *
     * @throws IllegalArgumentException if {@code ttl} is outside {@link Ttl}'s bounds (1 s to 1 d)
     */
    public static Registration start(ServiceRegistry registry, ServiceInstance instance, Duration ttl) {
        return builder(registry, instance).ttl(ttl).start();
    }

    /** A registration of {@code instance} in {@code registry}, to configure before {@link Builder#start()}. */
    public static Builder builder(ServiceRegistry registry, ServiceInstance instance) {
        return new Builder(registry, instance);
    }

    /** The instance this registration keeps registered: the one given last to {@code start} or {@link #update}. */
    public ServiceInstance instance() {
        return instance;
    }

    /**
     * Replaces the registered instance, for a change of status, address, ports or metadata. If the service or id
     * differ, the old instance is deregistered first. Registers on the calling thread at once, unless the registry
     * failed recently: then the background retry registers the latest instance. Does not throw if the registry fails.
     *
     * @throws IllegalStateException if the registration is closed
     */
    public void update(ServiceInstance next) {
        Objects.requireNonNull(next, "instance");
        lock.lock();
        try {
            if (closed.get()) {
                throw new IllegalStateException("the registration of " + describe(instance) + " is closed");
            }
            keeper.want(next);
            instance = next;
            keeper.step(nowMillis());
        } finally {
            lock.unlock();
        }
        LockSupport.unpark(thread); // its next heartbeat moved
    }

    /**
     * Deregisters the instance on the calling thread and stops the registration's thread. Waits up to 2 s for a
     * registry call in flight; if that call is still running then, the instance is deregistered as soon as it returns
     * (or expires within its ttl). Idempotent: later calls return at once. Never throws; a failure to deregister is
     * logged at WARN (the instance then expires within its ttl).
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        LockSupport.unpark(thread);
        boolean locked = false;
        try {
            locked = lock.tryLock(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!locked) {
            deregisterOnExit = true;
            log.warn("a call to registry {} has been running for {} ms; {} is deregistered when it returns, or expires "
                    + "within its ttl", registry, CLOSE_WAIT_MILLIS, describe(instance));
            return;
        }
        ServiceInstance removed;
        try {
            removed = keeper.deregister();
        } finally {
            lock.unlock();
        }
        tellDeregistered(removed);
        if (Thread.currentThread() != thread) {
            try {
                thread.join(CLOSE_WAIT_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return "Registration[" + describe(instance) + " in " + registry + (closed.get() ? ", closed]" : "]");
    }

    private void begin() {
        lock.lock();
        try {
            keeper.step(nowMillis());
        } finally {
            lock.unlock();
        }
        thread.start();
    }

    /** The thread: renews and retries when due, until closed. */
    private void run() {
        while (!closed.get()) {
            long waitMillis;
            lock.lock();
            try {
                if (closed.get()) {
                    break;
                }
                waitMillis = keeper.step(nowMillis()) - nowMillis();
            } catch (RuntimeException | LinkageError e) {
                // a bug, not a registry failure (those are handled in the keeper): keep the heartbeat going
                log.warn("unexpected failure in the registration of {}; carrying on", describe(instance), e);
                waitMillis = LeaseKeeper.FIRST_RETRY_MILLIS;
            } finally {
                lock.unlock();
            }
            if (waitMillis > 0) {
                LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(waitMillis));
            }
            Thread.interrupted(); // only close() stops this thread; an interrupt left set would make park spin
        }
        if (deregisterOnExit) {
            ServiceInstance removed;
            lock.lock();
            try {
                removed = keeper.deregister();
            } finally {
                lock.unlock();
            }
            tellDeregistered(removed);
        }
    }

    private void tellDeregistered(ServiceInstance removed) {
        if (removed == null) {
            return;
        }
        try {
            listener.deregistered(removed);
        } catch (RuntimeException e) {
            log.warn("the listener of the registration of {} failed; ignored", describe(removed), e);
        }
    }

    private static String describe(ServiceInstance instance) {
        return instance.service() + " id=" + instance.id();
    }

    private static long nowMillis() {
        return System.nanoTime() / 1_000_000;
    }

    /** Configures a {@link Registration}; setters fail fast, naming the bad value. Not thread-safe. */
    public static final class Builder {
        private final ServiceRegistry registry;
        private final ServiceInstance instance;
        private Duration ttl = DEFAULT_TTL;
        private Duration heartbeat;
        private Listener listener = new Listener() {
        };

        private Builder(ServiceRegistry registry, ServiceInstance instance) {
            this.registry = Objects.requireNonNull(registry, "registry");
            this.instance = Objects.requireNonNull(instance, "instance");
        }

        /**
         * The lease: how long the instance stays listed after the last renewal; default {@link #DEFAULT_TTL} (9 s).
         *
         * @throws IllegalArgumentException if it is outside {@link Ttl}'s bounds (1 s to 1 d)
         */
        public Builder ttl(Duration ttl) {
            this.ttl = Ttl.check(ttl);
            return this;
        }

        /**
         * Time between renewals; default a third of the ttl, so two renewals in a row may fail before the lease runs
         * out. Checked against the ttl by {@link #start()}: at least {@link #MIN_HEARTBEAT} and shorter than the ttl.
         */
        public Builder heartbeat(Duration heartbeat) {
            this.heartbeat = Objects.requireNonNull(heartbeat, "heartbeat");
            return this;
        }

        /** Told about successful registrations and the deregistration; default none. */
        public Builder listener(Listener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Registers the instance (first attempt on the calling thread) and starts the registration's thread.
         *
         * @throws IllegalArgumentException if the heartbeat is shorter than {@link #MIN_HEARTBEAT} or not shorter
         *                                  than the ttl
         */
        public Registration start() {
            Duration beat = heartbeat();
            if (beat.compareTo(MIN_HEARTBEAT) < 0 || beat.compareTo(ttl) >= 0) {
                throw new IllegalArgumentException("heartbeat must be at least 100ms and shorter than the ttl ("
                        + Durations.format(ttl) + "), but was " + Durations.format(beat));
            }
            Registration registration = new Registration(this);
            registration.begin();
            return registration;
        }

        private Duration heartbeat() {
            return heartbeat != null ? heartbeat : ttl.dividedBy(3);
        }
    }
}
