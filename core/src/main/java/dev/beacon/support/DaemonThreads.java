package dev.beacon.support;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Beacon's threads: daemon (they never keep a JVM alive), named {@code beacon-…} so that a thread dump tells whose
 * they are, and with an uncaught-exception handler that logs instead of printing to the app's stderr.
 */
public final class DaemonThreads {

    private static final Logger log = LoggerFactory.getLogger(DaemonThreads.class);
    private static final Thread.UncaughtExceptionHandler LOG_UNCAUGHT =
            (thread, e) -> log.error("uncaught exception in thread {}", thread.getName(), e);

    private DaemonThreads() {
    }

    /**
     * A factory for threads named exactly {@code name}: for an executor that owns one thread.
     *
     * @throws IllegalArgumentException when {@code name} is blank
     */
    public static ThreadFactory named(String name) {
        checkName(name);
        return runnable -> newThread(runnable, name);
    }

    /**
     * A factory for threads named {@code prefix-1}, {@code prefix-2}, …: for a pool.
     *
     * @throws IllegalArgumentException when {@code prefix} is blank
     */
    public static ThreadFactory numbered(String prefix) {
        checkName(prefix);
        AtomicInteger number = new AtomicInteger();
        return runnable -> newThread(runnable, prefix + "-" + number.incrementAndGet());
    }

    /** Starts {@code body} on a new daemon thread named {@code name}, and returns that thread. */
    public static Thread start(String name, Runnable body) {
        Thread thread = named(name).newThread(body);
        thread.start();
        return thread;
    }

    private static Thread newThread(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        thread.setUncaughtExceptionHandler(LOG_UNCAUGHT);
        return thread;
    }

    private static void checkName(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("thread name must not be blank, but was " + Texts.quote(name));
        }
    }
}
