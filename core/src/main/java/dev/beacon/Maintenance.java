package dev.beacon;

import dev.beacon.support.Texts;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Optional;

/**
 * An operator's maintenance of one instance: the instance is out of rotation (clients never choose it) while its
 * process keeps running, from {@code since} until it is lifted or {@code until} passes. Kept by the registry apart
 * from the instance's registration, keyed by service and id, so that heartbeats, re-registrations and restarts of the
 * app with the same id leave it in place. Readers see it on {@link ServiceInstance#maintenance()}, with the status
 * {@link Status#MAINTENANCE}.
 *
 * @param reason why, for the people who read {@code beacon list}: one line of at most {@value #MAX_REASON_LENGTH}
 *               characters, possibly empty
 * @param by     who put it in maintenance: one line of 1 to {@value #MAX_BY_LENGTH} characters
 * @param since  when it began, by the registry's clock; setting it again while it lasts keeps this time
 * @param until  when it ends by itself, by the registry's clock (after {@code since}); empty: when it is lifted
 */
public record Maintenance(String reason, String by, Instant since, Optional<Instant> until) {

    public static final int MAX_REASON_LENGTH = 256;
    public static final int MAX_BY_LENGTH = 128;

    public Maintenance {
        checkReason(reason);
        checkBy(by);
        Objects.requireNonNull(since, "since");
        Objects.requireNonNull(until, "until must not be null (empty: until lifted)");
        if (until.isPresent() && !until.get().isAfter(since)) {
            throw new IllegalArgumentException("maintenance must end after it began (" + since + "), but until was "
                    + until.get());
        }
    }

    /** True while it lasts at {@code now}: it has no deadline, or its deadline is after {@code now}. */
    public boolean inForceAt(Instant now) {
        return until.isEmpty() || until.get().isAfter(now);
    }

    /**
     * One line for people: {@code 'kernel upgrade' by alice since 2026-12-05T14:31:51Z, until 2026-12-05T15:01:51Z}
     * ({@code until lifted} without a deadline, {@code (no reason)} without a reason), times to the second. The command
     * line and the agent's log line say it so.
     */
    public String describe() {
        return (reason.isEmpty() ? "(no reason)" : "'" + reason + "'") + " by " + by + " since "
                + since.truncatedTo(ChronoUnit.SECONDS) + ", "
                + until.map(end -> "until " + end.truncatedTo(ChronoUnit.SECONDS)).orElse("until lifted");
    }

    /**
     * Validates a reason.
     *
     * @throws IllegalArgumentException naming the bad value and what is expected
     */
    public static String checkReason(String reason) {
        return checkLine("maintenance reason", reason, 0, MAX_REASON_LENGTH);
    }

    /**
     * Validates who put an instance in maintenance.
     *
     * @throws IllegalArgumentException naming the bad value and what is expected
     */
    public static String checkBy(String by) {
        return checkLine("maintenance 'by' (who put it in maintenance)", by, 1, MAX_BY_LENGTH);
    }

    private static String checkLine(String what, String value, int min, int max) {
        if (value == null) {
            throw new IllegalArgumentException(what + " must not be null");
        }
        if (value.length() < min || value.length() > max) {
            throw new IllegalArgumentException(what + " must have " + min + " to " + max + " characters, but had "
                    + value.length() + ": " + Texts.quote(value));
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7f || c == 0x2028 || c == 0x2029) {
                throw new IllegalArgumentException(what + " must be one line without control characters, but was "
                        + Texts.quote(value));
            }
        }
        return value;
    }
}
