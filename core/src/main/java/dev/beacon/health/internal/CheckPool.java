package dev.beacon.health.internal;

import dev.beacon.ServiceInstance;
import dev.beacon.health.HealthCheck;
import dev.beacon.support.DaemonThreads;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Probes the instances of one round: runs the check against all of them at once on a bounded pool of daemon threads
 * ({@code concurrency} of them, started on demand, ended after 30 s without work) and collects the results by a
 * deadline. A check still running at the deadline is cancelled and fails; one that throws or returns null fails
 * saying so. Thread-safe; {@link #close()} stops the checks in flight.
 */
public final class CheckPool implements AutoCloseable {

    private final HealthCheck check;
    private final Duration interval;
    private final ThreadPoolExecutor pool;

    /** {@code interval} is only named in the result of a check that missed its deadline. */
    public CheckPool(HealthCheck check, int concurrency, Duration interval, String threadPrefix) {
        this.check = check;
        this.interval = interval;
        this.pool = new ThreadPoolExecutor(concurrency, concurrency, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                DaemonThreads.numbered(threadPrefix));
        this.pool.allowCoreThreadTimeOut(true);
    }

    /**
     * Checks every instance.
     *
     * @param deadlineNanos by {@link System#nanoTime()}
     * @return one result per instance, in their order; empty if the pool was closed meanwhile
     */
    public Optional<List<HealthCheck.Result>> checkAll(List<ServiceInstance> instances, long deadlineNanos) {
        List<Future<HealthCheck.Result>> futures = new ArrayList<>(instances.size());
        for (ServiceInstance instance : instances) {
            try {
                futures.add(pool.submit(() -> checkSafely(instance)));
            } catch (RejectedExecutionException e) {
                return Optional.empty();
            }
        }
        List<HealthCheck.Result> results = new ArrayList<>(futures.size());
        for (Future<HealthCheck.Result> future : futures) {
            results.add(await(future, deadlineNanos));
        }
        return Optional.of(results);
    }

    private HealthCheck.Result checkSafely(ServiceInstance instance) {
        try {
            return Objects.requireNonNull(check.check(instance), "the health check returned null");
        } catch (RuntimeException e) {
            return HealthCheck.Result.fail(check + " threw " + e, Duration.ZERO);
        }
    }

    private HealthCheck.Result await(Future<HealthCheck.Result> future, long deadlineNanos) {
        try {
            return future.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
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

    /** Stops the checks in flight and the threads. Idempotent. */
    @Override
    public void close() {
        pool.shutdownNow();
    }
}
