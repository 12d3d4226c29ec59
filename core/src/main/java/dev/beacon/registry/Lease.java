package dev.beacon.registry;

import dev.beacon.ServiceInstance;

import java.time.Instant;
import java.util.Objects;

/**
 * A live registration with its lease: when it was last registered or renewed (its last heartbeat) and when it ends,
 * both by the registry's clock.
 */
public record Lease(ServiceInstance instance, Instant renewedAt, Instant expiresAt) {

    public Lease {
        Objects.requireNonNull(instance, "instance");
        Objects.requireNonNull(renewedAt, "renewedAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }
}
