package dev.beacon.health;

import dev.beacon.Status;

import java.util.Objects;

/**
 * Where one instance stands in its rise/fall history: the status the checks say it should have, and the lengths of
 * the current streaks. Immutable; {@link HealthThresholds#next} makes the next one.
 *
 * @param status   {@link Status#STARTING} (never passed yet), {@link Status#UP} or {@link Status#DOWN}
 * @param passes   consecutive passes up to now (0 after a failure)
 * @param failures consecutive failures up to now (0 after a pass)
 */
public record HealthState(Status status, int passes, int failures) {

    private static final HealthState STARTING = new HealthState(Status.STARTING, 0, 0);

    public HealthState {
        Objects.requireNonNull(status, "status");
        if (status == Status.DRAINING) {
            throw new IllegalArgumentException("a health state is STARTING, UP or DOWN, but was DRAINING");
        }
        if (passes < 0 || failures < 0) {
            throw new IllegalArgumentException("streaks must not be negative, but were passes=" + passes
                    + ", failures=" + failures);
        }
        if (passes > 0 && failures > 0) {
            throw new IllegalArgumentException("passes and failures cannot both be running, but were passes="
                    + passes + ", failures=" + failures);
        }
    }

    /** Before any check: not known to be ready. */
    public static HealthState starting() {
        return STARTING;
    }

    /**
     * Before any check, taking over a status set by someone else: {@code UP} and {@code DOWN} are kept (an UP
     * instance goes DOWN after {@code fall} failures), anything else is {@link #starting()}.
     */
    public static HealthState assuming(Status registered) {
        return registered == Status.UP || registered == Status.DOWN ? new HealthState(registered, 0, 0) : STARTING;
    }

    /** The same streaks under another status. */
    public HealthState withStatus(Status newStatus) {
        return newStatus == status ? this : new HealthState(newStatus, passes, failures);
    }
}
