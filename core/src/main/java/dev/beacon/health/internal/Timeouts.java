package dev.beacon.health.internal;

import java.time.Duration;

/** Validation shared by the built-in checks. */
final class Timeouts {

    private static final Duration MAX = Duration.ofMinutes(1);

    private Timeouts() {
    }

    static Duration check(Duration timeout) {
        if (timeout == null || timeout.compareTo(Duration.ofMillis(1)) < 0 || timeout.compareTo(MAX) > 0) {
            throw new IllegalArgumentException("health check timeout must be between 1ms and 1m, but was " + timeout);
        }
        return timeout;
    }

    static Duration since(long startNanos) {
        return Duration.ofNanos(Math.max(0, System.nanoTime() - startNanos));
    }
}
