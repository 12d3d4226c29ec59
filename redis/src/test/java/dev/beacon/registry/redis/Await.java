package dev.beacon.registry.redis;

import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Polls until a condition holds, for a bounded time; the test support's stand-in for Awaitility. */
final class Await {

    private static final Duration POLL = Duration.ofMillis(100);

    private Await() {
    }

    /**
     * Returns once {@code probe} returns a value {@code done} accepts. {@code probe} may throw a
     * {@link RuntimeException}; that counts as "not yet" and is kept for the message.
     *
     * @throws IllegalStateException after {@code timeout}, naming {@code what} and the last value or exception seen
     */
    static <T> T until(String what, Duration timeout, Supplier<T> probe, Predicate<T> done) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Object last = "nothing";
        RuntimeException lastFailure = null;
        while (true) {
            try {
                T value = probe.get();
                if (done.test(value)) {
                    return value;
                }
                last = value;
                lastFailure = null;
            } catch (RuntimeException e) {
                last = e;
                lastFailure = e;
            }
            if (System.nanoTime() - deadline > 0) {
                IllegalStateException timedOut = new IllegalStateException(
                        "timed out after " + timeout.toMillis() + " ms waiting until " + what + "; last seen: " + last);
                if (lastFailure != null) {
                    timedOut.initCause(lastFailure);
                }
                throw timedOut;
            }
            sleep(POLL);
        }
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting", e);
        }
    }
}
