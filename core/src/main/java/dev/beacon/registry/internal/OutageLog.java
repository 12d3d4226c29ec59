package dev.beacon.registry.internal;

import org.slf4j.Logger;

/**
 * What a registration says while its registry fails: one WARN at the first failure in a row (with the exception),
 * one WARN a minute while the failures go on (DEBUG lines in between), and one INFO at the first success after
 * them. So an outage of an hour is a handful of lines, not one per retry. Not thread-safe.
 */
final class OutageLog {

    static final long REPEAT_WARNING_MILLIS = 60_000;

    private final Logger log;
    private final Object registry;
    private final long maxDelayMillis;
    private int failures;
    private long lastWarningAt;

    /**
     * @param registry       named in the lines (its {@code toString()}, which masks passwords)
     * @param maxDelayMillis the longest wait between attempts, named in the warning
     */
    OutageLog(Logger log, Object registry, long maxDelayMillis) {
        this.log = log;
        this.registry = registry;
        this.maxDelayMillis = maxDelayMillis;
    }

    /** A call failed at monotonic time {@code now}; the next attempt is {@code delayMillis} away. */
    void failed(long now, long delayMillis, RuntimeException e) {
        failures++;
        if (failures == 1 || now - lastWarningAt >= REPEAT_WARNING_MILLIS) {
            lastWarningAt = now;
            log.warn("registry {} is unavailable ({} failed attempts); the app keeps running, retrying with backoff "
                    + "up to {} ms", registry, failures, maxDelayMillis, e);
        } else {
            log.debug("registry {} still unavailable; next attempt in {} ms", registry, delayMillis, e);
        }
    }

    /** A call succeeded: says so once if calls had failed before. */
    void succeeded() {
        if (failures > 0) {
            log.info("registry {} is reachable again after {} failed attempts", registry, failures);
            failures = 0;
        }
    }
}
