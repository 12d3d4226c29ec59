package dev.beacon.health.internal;

import dev.beacon.ServiceInstance;
import dev.beacon.Status;
import dev.beacon.registry.ServiceRegistry;

import java.time.Duration;
import java.util.Optional;

/**
 * Writes a health checker's status changes back to the registry. The registry has no "change the status only"
 * operation, so a change is a re-registration of the instance as it is now, read again just before writing (so a
 * newer address or metadata is kept, and an instance that is gone is not brought back), with the new status and a
 * lease of {@code leaseTtl}. Thread-safe if the registry is.
 */
public final class StatusWriter {

    private final ServiceRegistry registry;
    private final Duration leaseTtl;
    private final RegistryOutage outage;

    public StatusWriter(ServiceRegistry registry, Duration leaseTtl, RegistryOutage outage) {
        this.registry = registry;
        this.leaseTtl = leaseTtl;
        this.outage = outage;
    }

    /**
     * Re-registers the instance as it is now with {@code status}.
     *
     * @param seen the instance as the round read it
     * @return what was written; empty if the instance is gone, its owner changed its status meanwhile, or the
     *         registry failed (reported to the outage log; the next round tries again)
     */
    public Optional<ServiceInstance> write(ServiceInstance seen, Status status) {
        try {
            Optional<ServiceInstance> current = registry.instances(seen.service()).stream()
                    .filter(i -> i.id().equals(seen.id())).findFirst();
            outage.worked();
            if (current.isEmpty() || current.get().status() != seen.status()) {
                return Optional.empty();
            }
            ServiceInstance updated = current.get().withStatus(status);
            registry.register(updated, leaseTtl);
            return Optional.of(updated);
        } catch (RuntimeException e) {
            outage.failed("marking " + seen.service() + " id=" + seen.id() + " " + status, e);
            return Optional.empty();
        }
    }
}
