package dev.beacon.health;

import dev.beacon.Status;

import java.util.Objects;

/**
 * Rise and fall: how many consecutive passes bring a {@code DOWN} instance back {@code UP}, and how many consecutive
 * failures take an {@code UP} instance {@code DOWN}. Requiring a streak either way keeps one slow answer (a GC
 * pause, a busy moment) from flipping an instance, and an instance that fails every other check from flapping: it
 * changes only when a streak is long enough.
 *
 * <p>An instance that has never passed ({@link Status#STARTING}) becomes {@code UP} on its <em>first</em> pass,
 * whatever {@code rise} is: it has no history to be suspicious of, and waiting for more passes would only delay the
 * moment it takes traffic. Failures keep it {@code STARTING}: it is not ready yet, which is what {@code STARTING}
 * says; it is not {@code DOWN}, which would mean it was serving and stopped.
 *
 * <p>Defaults: rise {@value #DEFAULT_RISE}, fall {@value #DEFAULT_FALL} (HAProxy's are 2 and 3): a failing instance
 * is taken out after three intervals, a recovered one must prove itself twice. Pure logic, immutable, thread-safe.
 *
 * @param rise consecutive passes for DOWN → UP, 1..{@value #MAX}
 * @param fall consecutive failures for UP → DOWN, 1..{@value #MAX}
 */
public record HealthThresholds(int rise, int fall) {

    public static final int DEFAULT_RISE = 2;
    public static final int DEFAULT_FALL = 3;
    public static final int MAX = 100;

    private static final HealthThresholds DEFAULTS = new HealthThresholds(DEFAULT_RISE, DEFAULT_FALL);

    public HealthThresholds {
        if (rise < 1 || rise > MAX) {
            throw new IllegalArgumentException("rise must be 1.." + MAX + " consecutive passes, but was " + rise);
        }
        if (fall < 1 || fall > MAX) {
            throw new IllegalArgumentException("fall must be 1.." + MAX + " consecutive failures, but was " + fall);
        }
    }

    /** Rise {@value #DEFAULT_RISE}, fall {@value #DEFAULT_FALL}. */
    public static HealthThresholds defaults() {
        return DEFAULTS;
    }

    /** The state after one more check result. */
    public HealthState next(HealthState state, boolean passed) {
        Objects.requireNonNull(state, "state");
        if (passed) {
            int passes = saturatedIncrement(state.passes());
            Status status = switch (state.status()) {
                case STARTING -> Status.UP;
                case DOWN -> passes >= rise ? Status.UP : Status.DOWN;
                default -> state.status();
            };
            return new HealthState(status, passes, 0);
        }
        int failures = saturatedIncrement(state.failures());
        Status status = state.status() == Status.UP && failures >= fall ? Status.DOWN : state.status();
        return new HealthState(status, 0, failures);
    }

    private static int saturatedIncrement(int count) {
        return count == Integer.MAX_VALUE ? count : count + 1;
    }
}
