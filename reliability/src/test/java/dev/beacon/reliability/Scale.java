package dev.beacon.reliability;

import java.time.Duration;

/**
 * How big the scenarios are: the CI version (6 agent JVMs, short faults, about 1.5 minutes for the module) or, with
 * {@code -Dbeacon.reliability.long=true} as {@code reliability.sh} sets, the version (20 agent JVMs, 3 client
 * JVMs, Redis down 30 s).
 */
record Scale(String name, int apps, int clients, Duration outage, Duration slowFor) {

    /** The agents' lease and heartbeat in every scenario: short, so that faults play out in seconds. */
    static final Duration TTL = Duration.ofSeconds(3);
    static final Duration HEARTBEAT = Duration.ofSeconds(1);
    /** The agents' and the observers' Redis timeouts: a frozen Redis shows as a timeout after this long. */
    static final Duration REDIS_TIMEOUT = Duration.ofMillis(500);
    /**
     * Added to the bounds ("within one heartbeat") in assertions: a 2-core machine shared with other builds,
     * running 20+ JVMs, schedules late by hundreds of milliseconds. The measured figure is reported as it is.
     */
    static final Duration SLACK = Duration.ofMillis(2_000);

    static Scale current() {
        return Boolean.getBoolean("beacon.reliability.long")
                ? new Scale("long", 20, 3, Duration.ofSeconds(30), Duration.ofSeconds(15))
                : new Scale("ci", 6, 2, Duration.ofSeconds(5), Duration.ofSeconds(6));
    }
}
