package dev.beacon.registry.file.internal;

import dev.beacon.ServiceInstance;
import dev.beacon.registry.Lease;

import java.time.Instant;

/**
 * One stored instance with its lease, as read from its entry file.
 *
 * @param expiresAt the lease's deadline, epoch milliseconds of this machine's clock
 * @param ttlMillis the lease's length: {@code expiresAt - ttlMillis} is the last registration or renewal
 */
public record Entry(ServiceInstance instance, long expiresAt, long ttlMillis) {

    /** True while the lease runs at {@code nowMillis}. */
    public boolean liveAt(long nowMillis) {
        return expiresAt > nowMillis;
    }

    public Lease lease() {
        return new Lease(instance, Instant.ofEpochMilli(expiresAt - ttlMillis), Instant.ofEpochMilli(expiresAt));
    }
}
