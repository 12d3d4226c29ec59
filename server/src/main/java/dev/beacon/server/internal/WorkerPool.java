package dev.beacon.server.internal;

import dev.beacon.support.DaemonThreads;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The HttpServer's executor: a bounded pool of daemon threads with a bounded queue. The HttpServer reads the request
 * line and headers on the executor thread, so every task starts with a <em>read deadline</em> armed: a client that
 * sends its request slowly (a byte at a time, or never finishes its body) loses its connection when the deadline
 * runs out instead of holding the thread. The handler ends the read phase with {@link #endReadPhase()} once it has
 * the whole request. When pool and queue are full, the HttpServer closes the new connection (it catches the
 * rejection). Long-lived event streams {@link #runCompensated run compensated}: the pool grows by one thread for each
 * running stream, so streams never starve the API. Thread-safe.
 */
final class WorkerPool implements Executor, AutoCloseable {

    private final ThreadPoolExecutor executor;
    private final Deadlines deadlines;
    private final Duration readTimeout;
    private final int threads;
    private final ThreadLocal<Deadlines.Deadline> readDeadline = new ThreadLocal<>();
    private final LongAdder rejected = new LongAdder();
    private int compensation; // guarded by this

    WorkerPool(int threads, int queueCapacity, Deadlines deadlines, Duration readTimeout) {
        this.threads = threads;
        this.deadlines = deadlines;
        this.readTimeout = readTimeout;
        this.executor = new ThreadPoolExecutor(threads, threads, 10, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(queueCapacity), DaemonThreads.numbered("beacon-http-worker"));
    }

    @Override
    public void execute(Runnable exchange) {
        try {
            executor.execute(() -> {
                Deadlines.Deadline deadline = deadlines.arm(readTimeout);
                readDeadline.set(deadline);
                try {
                    exchange.run();
                } finally {
                    readDeadline.remove();
                    deadline.disarm();
                }
            });
        } catch (RejectedExecutionException e) {
            rejected.increment();
            throw e;
        }
    }

    /**
     * Ends the read phase of the current request: from now on it may take as long as it needs (its writes have their
     * own deadlines). No-op on a thread that is not the pool's.
     *
     * @throws IOException if the read deadline has already run out (the connection is closed)
     */
    void endReadPhase() throws IOException {
        Deadlines.Deadline deadline = readDeadline.get();
        if (deadline != null && deadline.disarm()) {
            throw new IOException("the request was not read within " + readTimeout.toMillis() + " ms");
        }
    }

    /** Whether the current request's read deadline has run out (its connection is closed). */
    boolean readPhaseExpired() {
        Deadlines.Deadline deadline = readDeadline.get();
        return deadline != null && deadline.fired();
    }

    /** Runs {@code task} on the current pool thread with one more thread in the pool while it runs. */
    void runCompensated(Deadlines.IoAction task) throws IOException {
        resize(1);
        try {
            task.run();
        } finally {
            resize(-1);
        }
    }

    private synchronized void resize(int delta) {
        compensation += delta;
        int size = threads + compensation;
        if (delta > 0) {
            executor.setMaximumPoolSize(size);
            executor.setCorePoolSize(size);
        } else {
            executor.setCorePoolSize(size);
            executor.setMaximumPoolSize(size);
        }
    }

    /** Connections refused because pool and queue were full. */
    long rejected() {
        return rejected.sum();
    }

    /** Threads currently running a task. */
    int busyThreads() {
        return executor.getActiveCount();
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }

    /** Blocks until the pool's threads have ended, up to {@code timeout}. */
    boolean awaitTermination(Duration timeout) throws InterruptedException {
        return executor.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
