package dev.beacon.agent.lifecycle;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter between {@code initial} and {@code max} milliseconds. The cap is the heartbeat
 * interval, so a registry that comes back sees every instance again within one heartbeat. Not thread-safe.
 */
final class Backoff {

    private final long initialMillis;
    private final long maxMillis;
    private int failures;

    Backoff(long initialMillis, long maxMillis) {
        this.initialMillis = Math.max(1, Math.min(initialMillis, maxMillis));
        this.maxMillis = maxMillis;
    }

    /** Records a failure; returns how long to wait before the next attempt (50-100% of the current step). */
    long nextDelayMillis() {
        failures++;
        long step = initialMillis << Math.min(failures - 1, 20);
        long capped = Math.min(step <= 0 ? maxMillis : step, maxMillis);
        return capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1);
    }

    int failures() {
        return failures;
    }

    void reset() {
        failures = 0;
    }
}
