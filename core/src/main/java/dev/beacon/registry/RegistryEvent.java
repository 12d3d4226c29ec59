package dev.beacon.registry;

import dev.beacon.ServiceInstance;

import java.util.Objects;

/**
 * A change to one instance of a watched service.
 *
 * @param type     what happened
 * @param instance the instance as it is now, or as it was last seen for {@link Type#DEREGISTERED} and
 *                 {@link Type#EXPIRED}
 */
public record RegistryEvent(Type type, ServiceInstance instance) {

    public RegistryEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(instance, "instance");
    }

    /** Kinds of change. */
    public enum Type {
        /** A new instance (or one that had expired) was registered. */
        REGISTERED,
        /** A registered instance changed its status, address, ports or metadata. */
        UPDATED,
        /** The instance was removed by its owner. */
        DEREGISTERED,
        /** The instance's lease ran out (its process died or stopped renewing). */
        EXPIRED
    }
}
