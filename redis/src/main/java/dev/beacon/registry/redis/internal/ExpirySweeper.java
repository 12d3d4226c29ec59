package dev.beacon.registry.redis.internal;

import dev.beacon.RegistryUnavailableException;
import dev.beacon.support.DaemonThreads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Turns the ended leases of the watched services into {@code EXPIRED} events: every {@value #INTERVAL_MILLIS} ms the
 * thread {@code beacon-redis-sweeper} (started by the first watch) runs {@code sweep.lua} for each watched service,
 * which removes the ended leases and publishes an event for each. So a killed instance's expiry reaches watchers
 * within its ttl plus about the interval, even when nobody reads the service. Every watching registry sweeps; each
 * sweep is atomic, so each expiry is published once, by whichever sweep (or renewal, registration or deregistration)
 * finds it first. A sweep that fails is tried again the next round. Thread-safe.
 */
final class ExpirySweeper implements AutoCloseable {

    static final long INTERVAL_MILLIS = 500;
    /** Removals per script call, so that one call never holds Redis long; a service is swept until one finds fewer. */
    static final int LIMIT = 1000;
    private static final Logger log = LoggerFactory.getLogger(ExpirySweeper.class);

    private final RedisConnection connection;
    private final Supplier<Collection<ServiceKeys>> watched;
    private final Object lock = new Object();
    private Thread thread;           // guarded by lock
    private volatile boolean closed; // written under lock

    /** @param watched the services to sweep, asked again each round */
    ExpirySweeper(RedisConnection connection, Supplier<Collection<ServiceKeys>> watched) {
        this.connection = connection;
        this.watched = watched;
    }

    /** Starts the thread unless it runs or this sweeper is closed. */
    void start() {
        synchronized (lock) {
            if (!closed && thread == null) {
                thread = DaemonThreads.start("beacon-redis-sweeper", this::run);
            }
        }
    }

    private void run() {
        while (running()) {
            for (ServiceKeys service : watched.get()) {
                if (!running()) {
                    return;
                }
                sweep(service);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(INTERVAL_MILLIS)); // close() interrupts it
        }
    }

    /** Sweeps {@code service} until a call finds fewer than {@link #LIMIT} ended leases. */
    void sweep(ServiceKeys service) {
        try {
            while (running() && connection.run("sweep " + service.service(), ScriptCall.sweep(service, LIMIT))
                    instanceof Long removed && removed >= LIMIT) {
                log.debug("registry {}: {} leases of {} ended at once; sweeping on", connection, removed,
                        service.service());
            }
        } catch (RegistryUnavailableException e) {
            // the subscriber reports the outage; the next round tries again
            log.debug("registry {}: sweep of {} failed; retrying", connection, service.service(), e);
        } catch (IllegalStateException e) {
            if (running()) {
                throw e;
            } // else the registry was closed during the sweep: the loop ends
        }
    }

    private boolean running() {
        return !closed && !connection.isClosed();
    }

    /** Ends the thread; idempotent. */
    @Override
    public void close() {
        Thread running;
        synchronized (lock) {
            closed = true;
            running = thread;
        }
        if (running != null) {
            running.interrupt();
        }
    }
}
