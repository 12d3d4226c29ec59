package dev.beacon.registry.internal;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter between {@code initial} and {@code max} milliseconds: the n-th failure in a row
 * waits 50-100% of {@code initial × 2^(n-1)}, capped at {@code max}. A registration caps it at its heartbeat interval,
 * so a registry that comes back sees every instance again within one heartbeat; the jitter keeps a fleet that lost
 * its registry at the same moment from retrying in lockstep. Not thread-safe.
 */
public final class Backoff {

    private final long initialMillis;
    private final long maxMillis;
    private int failures;

    public Backoff(long initialMillis, long maxMillis) {
        this.initialMillis = Math.max(1, Math.min(initialMillis, maxMillis));
        this.maxMillis = maxMillis;
    }

    /** Records a failure; returns how long to wait before the next attempt (50-100% of the current step). */
    public long nextDelayMillis() {
        failures++;
        long step = initialMillis << Math.min(failures - 1, 20);
        long capped = Math.min(step <= 0 ? maxMillis : step, maxMillis);
        return capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1);
    }

    /** Failures since the last {@link #reset()}. */
    public int failures() {
        return failures;
    }

    /** A success: the next failure waits the initial step again. */
    public void reset() {
        failures = 0;
    }
}
