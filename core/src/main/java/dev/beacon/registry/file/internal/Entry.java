package dev.beacon.registry.file.internal;

import dev.beacon.Maintenance;
import dev.beacon.ServiceInstance;
import dev.beacon.registry.Lease;

import java.time.Instant;

/**
 * One stored instance with its lease, as read from its entry file, shown in maintenance when its maintenance file
 * holds one in force.
 *
 * @param instance  the instance as readers see it
 * @param expiresAt the lease's deadline, epoch milliseconds of this machine's clock
 * @param ttlMillis the lease's length: {@code expiresAt - ttlMillis} is the last registration or renewal
 */
public record Entry(ServiceInstance instance, long expiresAt, long ttlMillis) {

    /** True while the lease runs at {@code nowMillis}. */
    public boolean liveAt(long nowMillis) {
        return expiresAt > nowMillis;
    }

    /** This entry shown in {@code maintenance}. */
    Entry shownIn(Maintenance maintenance) {
        return new Entry(instance.inMaintenance(maintenance), expiresAt, ttlMillis);
    }

    /** When what readers see of it changes by itself: its lease's deadline, or its maintenance's if earlier. */
    long nextChangeAt() {
        long maintenanceEnds = instance.maintenance().flatMap(Maintenance::until).map(Instant::toEpochMilli)
                .orElse(Long.MAX_VALUE);
        return Math.min(expiresAt, maintenanceEnds);
    }

    public Lease lease() {
        return new Lease(instance, Instant.ofEpochMilli(expiresAt - ttlMillis), Instant.ofEpochMilli(expiresAt));
    }
}
