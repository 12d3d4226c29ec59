package dev.beacon.registry;

import dev.beacon.Maintenance;
import dev.beacon.support.Durations;
import dev.beacon.support.Texts;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What an operator asks {@link ServiceRegistry#startMaintenance} for: why, who, and for how long.
 *
 * @param reason   why (one line, at most {@value Maintenance#MAX_REASON_LENGTH} characters, possibly empty)
 * @param by       who (one line of 1 to {@value Maintenance#MAX_BY_LENGTH} characters)
 * @param duration how long from now it lasts, {@linkplain #MIN_DURATION one second} to
 *                 {@linkplain #MAX_DURATION 365 days}; empty: until it is lifted
 */
public record MaintenanceRequest(String reason, String by, Optional<Duration> duration) {

    /** The shortest maintenance with a deadline. */
    public static final Duration MIN_DURATION = Duration.ofSeconds(1);
    /** The longest maintenance with a deadline; a longer one is better asked without a deadline. */
    public static final Duration MAX_DURATION = Duration.ofDays(365);

    public MaintenanceRequest {
        Maintenance.checkReason(reason);
        Maintenance.checkBy(by);
        Objects.requireNonNull(duration, "duration must not be null (empty: until lifted)");
        duration.ifPresent(MaintenanceRequest::checkDuration);
    }

    /** Maintenance until it is lifted. */
    public static MaintenanceRequest untilLifted(String reason, String by) {
        return new MaintenanceRequest(reason, by, Optional.empty());
    }

    /** Maintenance that ends by itself {@code duration} from when it is set. */
    public static MaintenanceRequest lasting(String reason, String by, Duration duration) {
        return new MaintenanceRequest(reason, by, Optional.of(Objects.requireNonNull(duration, "duration")));
    }

    /**
     * Returns {@code duration} when it is within the bounds.
     *
     * @throws IllegalArgumentException naming the value and the bounds
     */
    public static Duration checkDuration(Duration duration) {
        if (duration == null || duration.compareTo(MIN_DURATION) < 0 || duration.compareTo(MAX_DURATION) > 0) {
            throw new IllegalArgumentException("maintenance duration must be between "
                    + Durations.format(MIN_DURATION) + " and " + Durations.format(MAX_DURATION) + ", but was "
                    + (duration == null ? "null" : Texts.quote(Durations.format(duration))));
        }
        return duration;
    }

    /**
     * The maintenance this request records at {@code now} (the registry's clock): it lasts {@code duration} from
     * {@code now}, and keeps the start of {@code current} when that one is still in force (a reason changed or a
     * deadline moved is the same maintenance).
     */
    public Maintenance recordAt(Instant now, Optional<Maintenance> current) {
        Instant since = current.filter(m -> m.inForceAt(now) && !m.since().isAfter(now))
                .map(Maintenance::since).orElse(now);
        return new Maintenance(reason, by, since, duration.map(now::plus));
    }
}
