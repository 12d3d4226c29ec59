package dev.beacon.health.internal;

import dev.beacon.health.ActiveHealthChecker;
import dev.beacon.support.DaemonThreads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * When a health checker's rounds run: the first at {@link #start}, then each one {@code interval} after the previous
 * one ended, so they never overlap; on an own daemon thread, or on an injected scheduler that {@link #close()} leaves
 * running. A round that throws is logged and the schedule goes on. Started once; {@link #close()} is idempotent.
 * Thread-safe.
 */
public final class RoundSchedule implements AutoCloseable {

    /** Logs under the checker's name: the name users configure. */
    private static final Logger log = LoggerFactory.getLogger(ActiveHealthChecker.class);

    private final String threadName;
    private final Duration interval;
    private final Optional<ScheduledExecutorService> injected;
    private final Object lock = new Object();
    // Guarded by lock.
    private ScheduledExecutorService scheduler;
    private ScheduledFuture<?> schedule;
    private boolean started;
    private volatile boolean closed;

    public RoundSchedule(String threadName, Duration interval, Optional<ScheduledExecutorService> injected) {
        this.threadName = threadName;
        this.interval = interval;
        this.injected = injected;
    }

    /**
     * Runs {@code round} now and then every interval.
     *
     * @throws IllegalStateException if already started or closed
     */
    public void start(Runnable round) {
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("health checker is closed; build a new one");
            }
            if (started) {
                throw new IllegalStateException("health checker is already started");
            }
            started = true;
            scheduler = injected.orElseGet(
                    () -> Executors.newSingleThreadScheduledExecutor(DaemonThreads.named(threadName)));
            schedule = scheduler.scheduleWithFixedDelay(() -> runLogged(round), 0, interval.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
    }

    private void runLogged(Runnable round) {
        try {
            round.run();
        } catch (Throwable t) {
            // Never let an exception end the schedule.
            log.warn("health check round failed; the next one runs in {} ms", interval.toMillis(), t);
        }
    }

    /** True once {@link #close()} was called. */
    public boolean isClosed() {
        return closed;
    }

    /** Cancels the schedule and stops the own thread; does not shut an injected scheduler down. Idempotent. */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            if (schedule != null) {
                schedule.cancel(true);
            }
            if (scheduler != null && injected.isEmpty()) {
                scheduler.shutdownNow();
            }
        }
    }
}
