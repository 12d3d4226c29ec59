package dev.beacon.health;

import dev.beacon.ServiceInstance;

import java.time.Instant;
import java.util.Objects;

/**
 * What the {@link ActiveHealthChecker} last found out about one instance.
 *
 * @param instance   the instance as registered after the check (with the status the checker wrote, if it wrote one)
 * @param state      the rise/fall state after the check: the status the checks call for and the current streaks
 * @param lastResult the last check's result
 * @param checkedAt  when the last check finished, by the checker's clock
 */
public record InstanceHealth(ServiceInstance instance, HealthState state, HealthCheck.Result lastResult,
                             Instant checkedAt) {

    public InstanceHealth {
        Objects.requireNonNull(instance, "instance");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(lastResult, "lastResult");
        Objects.requireNonNull(checkedAt, "checkedAt");
    }
}
