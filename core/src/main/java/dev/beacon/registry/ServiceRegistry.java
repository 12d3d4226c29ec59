package dev.beacon.registry;

import dev.beacon.Maintenance;
import dev.beacon.ServiceInstance;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Where instances are registered under a lease and looked up. Open one with {@link Registries#open(String)}.
 *
 * <p>Every registration is a lease: it lives for its TTL unless {@link #renew renewed}. Expired instances are never
 * returned by reads, whatever the implementation's cleanup schedule. Implementations are thread-safe; reads reflect
 * writes made through any handle on the same registry (another process, for shared registries) as soon as the
 * implementation documents. All methods throw {@link dev.beacon.RegistryUnavailableException} when the backing store
 * cannot be reached, and {@link IllegalArgumentException} for invalid names.
 *
 * <p><b>Maintenance.</b> An operator takes an instance out of rotation with {@link #startMaintenance} (the command
 * line's {@code beacon maint}). The registry keeps that record apart from the registration, keyed by service and id:
 * renewals, registrations of the same id (an app restarted with the same id) and deregistrations leave it in place,
 * and it stays until {@link #endMaintenance lifted} or its deadline passes, even while the instance is gone. While it
 * lasts, every read and every watch event shows the instance with status {@link dev.beacon.Status#MAINTENANCE} and
 * the record in {@link ServiceInstance#maintenance()}; a change of it is an {@link RegistryEvent.Type#UPDATED} event.
 * The built-in registries all keep maintenance; the defaults, for wrappers, say they cannot.
 */
public interface ServiceRegistry extends AutoCloseable {

    /**
     * Registers or replaces {@code instance} (keyed by service and id) with a lease of {@code ttl}. Idempotent. A
     * maintenance of the id stays in force.
     *
     * @throws IllegalArgumentException if {@code ttl} is outside {@link Ttl#MIN} (1 s) .. {@link Ttl#MAX} (1 d), or
     *                                  if {@code instance} is shown in maintenance ({@link #checkRegistrable})
     */
    void register(ServiceInstance instance, Duration ttl);

    /**
     * Extends the lease of an instance by its TTL (a heartbeat).
     *
     * @return {@code true} if the lease was extended; {@code false} if the instance is no longer registered (it
     *         expired or was removed): the caller should {@link #register register} it again
     */
    boolean renew(String service, String id);

    /**
     * Removes an instance. Idempotent.
     *
     * @return {@code true} if it was registered and live, {@code false} if there was nothing to remove
     */
    boolean deregister(String service, String id);

    /** The live instances of {@code service}, ordered by id; empty if none. */
    List<ServiceInstance> instances(String service);

    /**
     * The live instances of {@code service} with their leases (last heartbeat, end), ordered by id. Costs the same
     * as {@link #instances}. The built-in registries all report leases; the default, for wrappers, says it cannot.
     *
     * @throws UnsupportedOperationException if this registry does not report leases
     */
    default List<Lease> leases(String service) {
        throw new UnsupportedOperationException("registry " + this + " does not report leases");
    }

    /** The names of all services with at least one live instance, sorted. */
    Set<String> services();

    /** Every service with its live instances, sorted by service name. */
    default Map<String, List<ServiceInstance>> snapshot() {
        Map<String, List<ServiceInstance>> all = new LinkedHashMap<>();
        for (String service : services()) {
            List<ServiceInstance> instances = instances(service);
            if (!instances.isEmpty()) {
                all.put(service, instances);
            }
        }
        return all;
    }

    /**
     * Every service with the {@link #leases(String) leases} of its live instances, sorted by service name, as
     * {@link #snapshot()} gives the instances. The default reads {@link #services()} and then each service; the file
     * registry reads its directory once.
     *
     * @throws UnsupportedOperationException if this registry does not report leases
     */
    default Map<String, List<Lease>> leaseSnapshot() {
        Map<String, List<Lease>> all = new LinkedHashMap<>();
        for (String service : services()) {
            List<Lease> leases = leases(service);
            if (!leases.isEmpty()) {
                all.put(service, leases);
            }
        }
        return all;
    }

    /**
     * Calls {@code listener} for every change to the instances of {@code service} from now on: registrations,
     * updates (status or metadata), deregistrations and expiries. Events arrive on a thread of the registry, in order
     * per instance; a listener that throws is logged and keeps receiving events. How soon an event arrives after the
     * change is documented by each implementation.
     *
     * @return a subscription; closing it stops the events
     */
    Subscription watch(String service, Consumer<RegistryEvent> listener);

    /**
     * Puts a live instance in maintenance, or changes the maintenance it is in (its start is kept). Watchers get an
     * {@link RegistryEvent.Type#UPDATED} event showing it in maintenance.
     *
     * @return the maintenance as recorded, timed by the registry's clock; empty (and nothing recorded) when the
     *         service has no live instance {@code id}
     * @throws UnsupportedOperationException if this registry does not keep maintenance
     */
    default Optional<Maintenance> startMaintenance(String service, String id, MaintenanceRequest request) {
        throw new UnsupportedOperationException("registry " + this + " does not keep maintenance");
    }

    /**
     * Lifts the maintenance of an instance, live or not. Watchers of a live instance get an
     * {@link RegistryEvent.Type#UPDATED} event showing its registered status again.
     *
     * @return {@code true} if a maintenance was in force, {@code false} if there was none to lift
     * @throws UnsupportedOperationException if this registry does not keep maintenance
     */
    default boolean endMaintenance(String service, String id) {
        throw new UnsupportedOperationException("registry " + this + " does not keep maintenance");
    }

    /**
     * The maintenance in force for {@code service}/{@code id}, whether or not the instance is live (it is kept while
     * the instance is gone, for when it comes back). One small read: the agent asks it once per heartbeat.
     *
     * @throws UnsupportedOperationException if this registry does not keep maintenance
     */
    default Optional<Maintenance> maintenance(String service, String id) {
        throw new UnsupportedOperationException("registry " + this + " does not keep maintenance");
    }

    /**
     * Returns {@code instance} when a registry may register it: one shown in maintenance (read from a registry) is
     * refused, since its registered status is not known; register {@link ServiceInstance#withStatus} of it.
     *
     * @throws IllegalArgumentException naming the instance
     */
    static ServiceInstance checkRegistrable(ServiceInstance instance) {
        if (instance.maintenance().isPresent()) {
            throw new IllegalArgumentException("instance " + instance.service() + "/" + instance.id() + " is shown "
                    + "in maintenance, which the registry keeps apart from its registration: register it with its "
                    + "own status (withStatus(UP), say); its maintenance stays in force");
        }
        return instance;
    }

    /**
     * Calls {@code listener} with the name of a service soon after it may have gained an instance, whether anyone
     * watches it or not &mdash; at least once after a service with no live instance gets one &mdash; so that whoever
     * follows every service (the HTTP server's {@code GET /events}) can {@link #watch} a new one at once instead of
     * polling {@link #services()}. A name may come more than once, and for services already known. Changes the
     * registry could not attribute to a service (events lost by the platform, an outage) are not reported: pair
     * this with an occasional {@link #services()}. Calls arrive on a thread of the registry; the listener must return
     * quickly, and one that throws is logged and keeps being called.
     *
     * @return a subscription; closing it stops the calls
     * @throws UnsupportedOperationException if this registry cannot report new services (the default): poll
     *                                       {@link #services()} instead
     */
    default Subscription watchServices(Consumer<String> listener) {
        throw new UnsupportedOperationException("registry " + this + " does not report new services; poll "
                + "services() instead");
    }

    /** Releases the registry's threads and connections. Registrations made through it are left as they are. */
    @Override
    void close();
}
