package dev.beacon.registry.internal;

import dev.beacon.ServiceInstance;
import dev.beacon.registry.ServiceRegistry;
import org.slf4j.Logger;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Keeps one instance registered, one {@link #step} at a time: registers the wanted instance (again whenever it
 * changes), renews it every heartbeat, registers it again when a renewal finds it gone (expired, deleted, or the
 * registry restarted empty), and backs off with jitter while the registry fails — any {@link RuntimeException} of
 * the registry counts as a failure, and the next attempt comes at most one heartbeat later. {@code Registration}
 * drives it from its thread; tests drive it with a fake monotonic time.
 *
 * <p>Times are monotonic milliseconds, which may be negative ({@link System#nanoTime()} has an arbitrary origin).
 * Not thread-safe: the caller serialises all calls.
 */
public final class LeaseKeeper {

    /** The first retry after a failure comes after 50-100% of this (or of the heartbeat, if shorter). */
    public static final long FIRST_RETRY_MILLIS = 200;
    // "no deadline" must be a value no monotonic reading can be, hence not 0
    private static final long NONE = Long.MIN_VALUE;

    private final ServiceRegistry registry;
    private final Duration ttl;
    private final long heartbeatMillis;
    private final Logger log;
    private final Consumer<ServiceInstance> onRegistered;
    private final Backoff backoff;
    private final OutageLog outage;
    private ServiceInstance wanted;
    private ServiceInstance registered;
    private long nextHeartbeatAt = NONE;
    private long nextAttemptAt = NONE;

    /**
     * Does no I/O: the first {@link #step} registers.
     *
     * @param onRegistered called after each successful registration (the first, each change, each one after a lost
     *                     lease), on the thread that steps; what it throws is logged and ignored
     */
    public LeaseKeeper(ServiceRegistry registry, ServiceInstance instance, Duration ttl, Duration heartbeat,
                       Logger log, Consumer<ServiceInstance> onRegistered) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.wanted = Objects.requireNonNull(instance, "instance");
        this.ttl = Objects.requireNonNull(ttl, "ttl");
        this.heartbeatMillis = heartbeat.toMillis();
        this.log = Objects.requireNonNull(log, "log");
        this.onRegistered = Objects.requireNonNull(onRegistered, "onRegistered");
        this.backoff = new Backoff(Math.min(FIRST_RETRY_MILLIS, heartbeatMillis), heartbeatMillis);
        this.outage = new OutageLog(log, registry, heartbeatMillis);
    }

    /** Sets the instance to keep registered; the next {@link #step} registers it (unless it is backing off). */
    public void want(ServiceInstance instance) {
        this.wanted = Objects.requireNonNull(instance, "instance");
    }

    /** The instance to keep registered: the last one given. */
    public ServiceInstance wanted() {
        return wanted;
    }

    /** The instance the last successful call registered; null before the first success and after deregistering. */
    public ServiceInstance registered() {
        return registered;
    }

    /**
     * Does what is due at {@code now}: nothing while backing off after a failure; else registers the wanted instance
     * if it is not what is registered, or renews it when the heartbeat is due (registering it again if the lease was
     * lost). Never throws for a failing registry: the failure is logged ({@link OutageLog}) and retried later.
     *
     * @return when the next step is due (monotonic milliseconds)
     */
    public long step(long now) {
        if (nextAttemptAt != NONE && now < nextAttemptAt) {
            return nextAttemptAt;
        }
        ServiceInstance announce = null;
        try {
            if (!wanted.equals(registered)) {
                if (registered != null && !sameKey(registered, wanted)) {
                    registry.deregister(registered.service(), registered.id());
                    registered = null;
                }
                registry.register(wanted, ttl);
                registered = wanted;
                announce = wanted;
                nextHeartbeatAt = now + heartbeatMillis;
            } else if (now >= nextHeartbeatAt) {
                if (!registry.renew(registered.service(), registered.id())) {
                    registry.register(registered, ttl);
                    announce = registered;
                    log.info("lease of {} was lost (expired, or the registry was emptied); registered again",
                            registered.id());
                }
                nextHeartbeatAt = now + heartbeatMillis;
            }
            outage.succeeded();
            backoff.reset();
            nextAttemptAt = NONE;
        } catch (RuntimeException e) {
            long delay = backoff.nextDelayMillis();
            nextAttemptAt = now + delay;
            outage.failed(now, delay, e);
        }
        if (announce != null) {
            tell(announce);
        }
        return nextAttemptAt != NONE ? nextAttemptAt : nextHeartbeatAt;
    }

    /**
     * Removes the instance from the registry (and a previously registered one under another service or id), whether
     * or not a registration is known to have succeeded: a call that timed out may have registered it all the same.
     *
     * @return the removed instance, or null if the registry failed (logged at WARN: it then expires within its ttl)
     */
    public ServiceInstance deregister() {
        ServiceInstance removed = wanted;
        try {
            if (registered != null && !sameKey(registered, wanted)) {
                registry.deregister(registered.service(), registered.id());
            }
            registry.deregister(wanted.service(), wanted.id());
            registered = null;
            return removed;
        } catch (RuntimeException e) {
            log.warn("could not deregister {} id={} from registry {}; it expires within its ttl of {} ms",
                    removed.service(), removed.id(), registry, ttl.toMillis(), e);
            return null;
        }
    }

    private void tell(ServiceInstance instance) {
        try {
            onRegistered.accept(instance);
        } catch (RuntimeException e) {
            log.warn("the listener of the registration of {} id={} failed; ignored", instance.service(),
                    instance.id(), e);
        }
    }

    private static boolean sameKey(ServiceInstance a, ServiceInstance b) {
        return a.service().equals(b.service()) && a.id().equals(b.id());
    }
}
