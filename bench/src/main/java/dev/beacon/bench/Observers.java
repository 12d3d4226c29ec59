package dev.beacon.bench;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Polls conditions on their own threads and records, in epoch microseconds, when each first holds; collects the
 * latencies of each named series and counts the runs whose condition never held in time ("missed").
 */
final class Observers implements AutoCloseable {

    private final ExecutorService pool = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "bench-observer");
        thread.setDaemon(true);
        return thread;
    });
    private final Map<String, Samples> series = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> missed = new ConcurrentHashMap<>();

    /** Epoch µs at which {@code condition} first held, polling every {@code pollMicros}; -1 after the timeout. */
    CompletableFuture<Long> when(BooleanSupplier condition, long pollMicros, Duration timeout) {
        return CompletableFuture.supplyAsync(() -> {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                try {
                    if (condition.getAsBoolean()) {
                        return Samples.epochMicros();
                    }
                } catch (RuntimeException unavailable) {
                    // counts as "not yet"
                }
                LockSupport.parkNanos(pollMicros * 1_000);
            }
            return -1L;
        }, pool);
    }

    /** Records {@code observed - start} under {@code name}, or a miss when the observation timed out. */
    void record(String name, long startMicros, CompletableFuture<Long> observed) {
        long at = observed.join();
        if (at < 0) {
            missed.computeIfAbsent(name, n -> new AtomicInteger()).incrementAndGet();
        } else {
            samples(name).add(Math.max(0, at - startMicros));
        }
    }

    Samples samples(String name) {
        return series.computeIfAbsent(name, n -> new Samples());
    }

    int missed(String name) {
        AtomicInteger count = missed.get(name);
        return count == null ? 0 : count.get();
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
