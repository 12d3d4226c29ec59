package dev.beacon.agent.lifecycle;

import dev.beacon.Maintenance;
import dev.beacon.ServiceInstance;
import dev.beacon.agent.logging.AgentLog;
import dev.beacon.registry.ServiceRegistry;
import org.slf4j.Logger;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The agent's lines about its instance's maintenance: one when an operator puts it in maintenance ({@code beacon
 * maint}, or found so after a restart with the same id), one when the maintenance changes, one when it is lifted or
 * ends. It learns this from the registry: one small read ({@link ServiceRegistry#maintenance}) per heartbeat
 * interval, made by the agent's own thread, never an app thread. A failed read says nothing (the registration
 * reports the registry's outages); a registry that keeps no maintenance is asked no more.
 *
 * <p>Not thread-safe: the agent's thread calls it.
 */
final class MaintenanceNotices {

    private static final Logger log = AgentLog.get(MaintenanceNotices.class);
    private static final long NONE = Long.MIN_VALUE;

    private final long intervalMillis;
    private long nextCheckAt = NONE;
    private String checkedKey;
    private Optional<Maintenance> known = Optional.empty();
    private boolean unsupported;

    /** @param interval how often the registry is asked: the heartbeat interval */
    MaintenanceNotices(Duration interval) {
        this.intervalMillis = Math.max(1, interval.toMillis());
    }

    /**
     * Asks the registry about {@code registered}'s maintenance when a check is due at {@code now} (monotonic
     * milliseconds), and says what changed. Never throws.
     */
    void checkIfDue(long now, ServiceRegistry registry, ServiceInstance registered) {
        if (unsupported || (nextCheckAt != NONE && now - nextCheckAt < 0)) {
            return;
        }
        nextCheckAt = now + intervalMillis;
        String key = registered.service() + "/" + registered.id();
        if (!key.equals(checkedKey)) {
            checkedKey = key; // another service or id: its own maintenance, told afresh
            known = Optional.empty();
        }
        Optional<Maintenance> current;
        try {
            current = registry.maintenance(registered.service(), registered.id());
        } catch (UnsupportedOperationException e) {
            unsupported = true;
            log.debug("registry {} keeps no maintenance; not asking again", registry, e);
            return;
        } catch (RuntimeException e) {
            log.debug("could not read the maintenance of {} id={}; asking again in {} ms", registered.service(),
                    registered.id(), intervalMillis, e);
            return;
        }
        tell(registered, current);
    }

    private void tell(ServiceInstance registered, Optional<Maintenance> current) {
        if (current.equals(known)) {
            return;
        }
        if (current.isEmpty()) {
            log.info("{} id={} is out of maintenance; clients choose it again", registered.service(),
                    registered.id());
        } else if (known.isPresent() && known.get().since().equals(current.get().since())) {
            log.info("{} id={}: its maintenance changed: {}", registered.service(), registered.id(),
                    current.get().describe());
        } else {
            log.info("{} id={} is in maintenance: {}; clients do not choose it, the app keeps running",
                    registered.service(), registered.id(), current.get().describe());
        }
        known = current;
    }

    /** The maintenance last seen (for tests). */
    Optional<Maintenance> known() {
        return Objects.requireNonNull(known);
    }
}
