package dev.beacon.health.internal;

import dev.beacon.health.ActiveHealthChecker;
import dev.beacon.registry.ServiceRegistry;
import dev.beacon.support.WarnOnce;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * Reports a health checker's trouble with its registry: one warning when an outage starts, one line when the
 * registry works again, and every failure in between at debug level only. Thread-safe.
 */
public final class RegistryOutage {

    /** Logs under the checker's name: the name users configure. */
    private static final Logger log = LoggerFactory.getLogger(ActiveHealthChecker.class);
    private static final String OUTAGE = "outage";

    private final ServiceRegistry registry;
    private final Duration interval;
    private final WarnOnce warnOnce = new WarnOnce(log);

    public RegistryOutage(ServiceRegistry registry, Duration interval) {
        this.registry = registry;
        this.interval = interval;
    }

    /** {@code operation} (such as "reading the instances") failed with {@code e}. */
    public void failed(String operation, RuntimeException e) {
        if (!warnOnce.warn(OUTAGE, "health checker: registry {} failed {}; retrying every round ({} ms)", registry,
                operation, interval.toMillis(), e)) {
            log.debug("health checker: registry {} still failing ({})", registry, operation, e);
        }
    }

    /** An operation succeeded. */
    public void worked() {
        if (warnOnce.warned(OUTAGE)) {
            warnOnce.reset(OUTAGE);
            log.info("health checker: registry {} works again", registry);
        }
    }
}
