package dev.beacon.server.internal;

import dev.beacon.support.DaemonThreads;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Time limits on blocking socket I/O of the JDK HttpServer, which has none of its own unless the JVM-wide
 * {@code sun.net.httpserver.maxReqTime}/{@code maxRspTime} properties are set. A {@link Deadline} armed on a thread
 * interrupts that thread when it runs out; the HttpServer reads and writes through blocking
 * {@link java.nio.channels.SocketChannel}s, which are interruptible: the interrupt closes the connection and the
 * blocked read or write fails with {@link java.nio.channels.ClosedByInterruptException}. The interrupt can only
 * happen while the deadline is armed (both sides hold the deadline's lock), and disarming clears it, so it never
 * leaks into later work of a pooled thread. One daemon timer thread; thread-safe.
 */
final class Deadlines implements AutoCloseable {

    private final ScheduledThreadPoolExecutor timer;

    Deadlines(String threadName) {
        timer = new ScheduledThreadPoolExecutor(1, DaemonThreads.named(threadName));
        timer.setRemoveOnCancelPolicy(true);
    }

    /** Arms a deadline of {@code timeout} for the current thread. */
    Deadline arm(Duration timeout) {
        Deadline deadline = new Deadline(Thread.currentThread());
        deadline.future = timer.schedule(deadline::fire, timeout.toNanos(), TimeUnit.NANOSECONDS);
        return deadline;
    }

    /**
     * Runs {@code action} with a deadline of {@code timeout} on the current thread.
     *
     * @throws IOException what the action throws; a blocked read or write that ran out of time fails with
     *                     {@link java.nio.channels.ClosedByInterruptException}
     */
    void within(Duration timeout, IoAction action) throws IOException {
        Deadline deadline = arm(timeout);
        try {
            action.run();
        } finally {
            deadline.disarm();
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }

    /** A piece of blocking I/O. */
    @FunctionalInterface
    interface IoAction {
        void run() throws IOException;
    }

    /** One armed time limit; {@link #close()} (same as {@link #disarm()}) must be called by the armed thread. */
    static final class Deadline implements AutoCloseable {
        private final Thread thread;
        private ScheduledFuture<?> future;
        private boolean armed = true;
        private boolean fired;

        private Deadline(Thread thread) {
            this.thread = thread;
        }

        private synchronized void fire() {
            if (armed) {
                armed = false;
                fired = true;
                thread.interrupt();
            }
        }

        /**
         * Stops the deadline; idempotent. If it fired, clears the interrupt it caused.
         *
         * @return {@code true} if it had fired
         */
        synchronized boolean disarm() {
            if (armed) {
                armed = false;
                future.cancel(false);
            } else if (fired && Thread.currentThread() == thread) {
                Thread.interrupted();
            }
            return fired;
        }

        synchronized boolean fired() {
            return fired;
        }

        @Override
        public void close() {
            disarm();
        }
    }
}
