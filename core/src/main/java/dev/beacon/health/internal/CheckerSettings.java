package dev.beacon.health.internal;

import dev.beacon.health.HealthCheck;
import dev.beacon.health.HealthThresholds;
import dev.beacon.registry.ServiceRegistry;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What an {@code ActiveHealthChecker} was built with, as its builder validated it. Immutable.
 *
 * @param registry    where the instances are read and status changes written
 * @param check       the check run against each instance
 * @param services    the services to check; empty for every service of the registry
 * @param interval    time between the end of one round and the start of the next, and the deadline of a round's
 *                    checks
 * @param thresholds  rise and fall
 * @param leaseTtl    the lease of a re-registration that changes a status
 * @param concurrency how many checks run at once
 * @param clock       the clock of the results' timestamps
 * @param scheduler   a scheduler to run the rounds on instead of an own thread
 */
public record CheckerSettings(ServiceRegistry registry, HealthCheck check, Set<String> services, Duration interval,
                              HealthThresholds thresholds, Duration leaseTtl, int concurrency, Clock clock,
                              Optional<ScheduledExecutorService> scheduler) {

    public CheckerSettings {
        services = Set.copyOf(services);
    }
}
