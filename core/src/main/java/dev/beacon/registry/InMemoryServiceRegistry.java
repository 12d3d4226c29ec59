package dev.beacon.registry;

import dev.beacon.Maintenance;
import dev.beacon.ServiceInstance;
import dev.beacon.registry.spi.WatchHub;
import dev.beacon.support.DaemonThreads;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A registry inside this JVM ({@code memory:}): for tests and for apps that discover only themselves. Leases are
 * timed by an injected {@link Clock}. Expired instances are never returned; they are swept, and
 * {@link RegistryEvent.Type#EXPIRED} events published, every {@code sweepInterval} by a daemon thread that runs
 * while anyone watches (a test that moves a fake clock sees the events within one interval). Maintenance records are
 * kept in a map of their own beside the leases, and ended ones swept likewise. Thread-safe; reads are always current.
 */
public final class InMemoryServiceRegistry implements ServiceRegistry {

    /** A registration: {@code instance} as registered, never in maintenance. */
    private record Lease(ServiceInstance instance, Duration ttl, long expiresAtMillis) {
    }

    private final Clock clock;
    private final Duration sweepInterval;
    private final Map<String, Map<String, Lease>> services = new ConcurrentHashMap<>();
    /**
     * Per service, the maintenance records by id; changed only inside a {@code compute} of the id's entry in
     * {@link #services}, so that a record, the registration and the events about them change in one order.
     */
    private final Map<String, Map<String, Maintenance>> maintenance = new ConcurrentHashMap<>();
    private final WatchHub hub = new WatchHub("beacon-memory-registry-events");
    private volatile ScheduledExecutorService sweeper;
    private volatile boolean closed;

    /** A registry on the system clock, swept every 100 ms while watched. */
    public InMemoryServiceRegistry() {
        this(Clock.systemUTC(), Duration.ofMillis(100));
    }

    /** A registry on {@code clock}, swept every {@code sweepInterval} (at least 1 ms) while watched. */
    public InMemoryServiceRegistry(Clock clock, Duration sweepInterval) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sweepInterval = Objects.requireNonNull(sweepInterval, "sweepInterval");
    }

    @Override
    public void register(ServiceInstance instance, Duration ttl) {
        Ttl.check(ttl);
        ServiceRegistry.checkRegistrable(instance);
        checkOpen();
        long now = clock.millis();
        Lease fresh = new Lease(instance, ttl, now + ttl.toMillis());
        services.computeIfAbsent(instance.service(), s -> new ConcurrentHashMap<>())
                .compute(instance.id(), (id, old) -> {
                    // published inside compute: a maintenance change of this id waits, and its event comes after
                    Optional<Maintenance> inForce = inForce(instance.service(), id, now);
                    ServiceInstance shown = shown(instance, inForce);
                    if (old == null || old.expiresAtMillis() <= now) {
                        if (old != null) {
                            hub.publish(new RegistryEvent(RegistryEvent.Type.EXPIRED, shown(old.instance(), inForce)));
                        }
                        hub.publish(new RegistryEvent(RegistryEvent.Type.REGISTERED, shown));
                        hub.publishService(instance.service());
                    } else if (!old.instance().equals(instance)) {
                        hub.publish(new RegistryEvent(RegistryEvent.Type.UPDATED, shown));
                    }
                    return fresh;
                });
    }

    @Override
    public boolean renew(String service, String id) {
        checkOpen();
        ServiceInstance.checkServiceName(service);
        ServiceInstance.checkInstanceId(id); // before the lookup: an invalid id is an error even for an unknown service
        Map<String, Lease> leases = services.get(service);
        if (leases == null) {
            return false;
        }
        long now = clock.millis();
        Lease renewed = leases.computeIfPresent(id, (key, lease) ->
                lease.expiresAtMillis() <= now ? lease
                        : new Lease(lease.instance(), lease.ttl(), now + lease.ttl().toMillis()));
        return renewed != null && renewed.expiresAtMillis() > now;
    }

    @Override
    public boolean deregister(String service, String id) {
        checkOpen();
        ServiceInstance.checkServiceName(service);
        ServiceInstance.checkInstanceId(id); // before the lookup: an invalid id is an error even for an unknown service
        Map<String, Lease> leases = services.get(service);
        if (leases == null) {
            return false;
        }
        long now = clock.millis();
        boolean[] live = new boolean[1];
        leases.computeIfPresent(id, (key, removed) -> {
            live[0] = removed.expiresAtMillis() > now;
            hub.publish(new RegistryEvent(live[0] ? RegistryEvent.Type.DEREGISTERED : RegistryEvent.Type.EXPIRED,
                    shown(removed.instance(), inForce(service, id, now))));
            return null;
        });
        return live[0];
    }

    @Override
    public List<ServiceInstance> instances(String service) {
        checkOpen();
        Map<String, Lease> leases = services.get(ServiceInstance.checkServiceName(service));
        if (leases == null) {
            return List.of();
        }
        long now = clock.millis();
        List<ServiceInstance> live = new ArrayList<>();
        for (Lease lease : leases.values()) {
            if (lease.expiresAtMillis() > now) {
                live.add(shown(lease.instance(), inForce(service, lease.instance().id(), now)));
            }
        }
        live.sort(Comparator.comparing(ServiceInstance::id));
        return List.copyOf(live);
    }

    @Override
    public List<dev.beacon.registry.Lease> leases(String service) {
        checkOpen();
        Map<String, Lease> leases = services.get(ServiceInstance.checkServiceName(service));
        if (leases == null) {
            return List.of();
        }
        long now = clock.millis();
        List<dev.beacon.registry.Lease> live = new ArrayList<>();
        for (Lease lease : leases.values()) {
            if (lease.expiresAtMillis() > now) {
                live.add(new dev.beacon.registry.Lease(shown(lease.instance(), inForce(service, lease.instance().id(),
                        now)),
                        java.time.Instant.ofEpochMilli(lease.expiresAtMillis() - lease.ttl().toMillis()),
                        java.time.Instant.ofEpochMilli(lease.expiresAtMillis())));
            }
        }
        live.sort(Comparator.comparing(l -> l.instance().id()));
        return List.copyOf(live);
    }

    @Override
    public Set<String> services() {
        checkOpen();
        long now = clock.millis();
        Set<String> names = new TreeSet<>();
        services.forEach((service, leases) -> {
            for (Lease lease : leases.values()) {
                if (lease.expiresAtMillis() > now) {
                    names.add(service);
                    return;
                }
            }
        });
        return java.util.Collections.unmodifiableSet(names);
    }

    @Override
    public Subscription watch(String service, Consumer<RegistryEvent> listener) {
        ServiceInstance.checkServiceName(service);
        Objects.requireNonNull(listener, "listener");
        checkOpen();
        Subscription subscription = hub.add(service, listener);
        startSweeper();
        return subscription;
    }

    /** Calls {@code listener} with the service of every new instance (on the event delivery thread). */
    @Override
    public Subscription watchServices(Consumer<String> listener) {
        Objects.requireNonNull(listener, "listener");
        checkOpen();
        return hub.addServiceListener(listener);
    }

    /**
     * Removes expired leases and publishes an {@link RegistryEvent.Type#EXPIRED} event for each; removes ended
     * maintenance records and publishes an {@link RegistryEvent.Type#UPDATED} event for each live instance of them.
     */
    void sweep() {
        long now = clock.millis();
        services.forEach((service, leases) -> leases.forEach((id, lease) -> {
            if (lease.expiresAtMillis() <= now) {
                leases.computeIfPresent(id, (key, current) -> {
                    if (current.expiresAtMillis() > now) {
                        return current; // registered again meanwhile
                    }
                    hub.publish(new RegistryEvent(RegistryEvent.Type.EXPIRED,
                            shown(current.instance(), inForce(service, id, now))));
                    return null;
                });
            }
        }));
        maintenance.forEach((service, records) -> records.forEach((id, record) -> {
            if (!record.inForceAt(Instant.ofEpochMilli(now))) {
                services.computeIfAbsent(service, s -> new ConcurrentHashMap<>()).compute(id, (key, lease) -> {
                    if (records.remove(id, record) && lease != null && lease.expiresAtMillis() > now) {
                        hub.publish(new RegistryEvent(RegistryEvent.Type.UPDATED, lease.instance()));
                    }
                    return lease;
                });
            }
        }));
    }

    @Override
    public Optional<Maintenance> startMaintenance(String service, String id, MaintenanceRequest request) {
        checkNames(service, id);
        Objects.requireNonNull(request, "request");
        checkOpen();
        Map<String, Lease> leases = services.get(service);
        if (leases == null) {
            return Optional.empty();
        }
        long now = clock.millis();
        Maintenance[] recorded = new Maintenance[1];
        leases.computeIfPresent(id, (key, lease) -> {
            if (lease.expiresAtMillis() > now) {
                Map<String, Maintenance> records = maintenance.computeIfAbsent(service,
                        s -> new ConcurrentHashMap<>());
                Maintenance record = request.recordAt(Instant.ofEpochMilli(now), Optional.ofNullable(records.get(id)));
                Maintenance previous = records.put(id, record);
                if (!record.equals(previous)) {
                    hub.publish(new RegistryEvent(RegistryEvent.Type.UPDATED, lease.instance().inMaintenance(record)));
                }
                recorded[0] = record;
            }
            return lease;
        });
        return Optional.ofNullable(recorded[0]);
    }

    @Override
    public boolean endMaintenance(String service, String id) {
        checkNames(service, id);
        checkOpen();
        long now = clock.millis();
        boolean[] lifted = new boolean[1];
        services.computeIfAbsent(service, s -> new ConcurrentHashMap<>()).compute(id, (key, lease) -> {
            Map<String, Maintenance> records = maintenance.get(service);
            Maintenance removed = records == null ? null : records.remove(id);
            lifted[0] = removed != null && removed.inForceAt(Instant.ofEpochMilli(now));
            if (lifted[0] && lease != null && lease.expiresAtMillis() > now) {
                hub.publish(new RegistryEvent(RegistryEvent.Type.UPDATED, lease.instance()));
            }
            return lease;
        });
        return lifted[0];
    }

    @Override
    public Optional<Maintenance> maintenance(String service, String id) {
        checkNames(service, id);
        checkOpen();
        return inForce(service, id, clock.millis());
    }

    private Optional<Maintenance> inForce(String service, String id, long nowMillis) {
        Map<String, Maintenance> records = maintenance.get(service);
        Maintenance record = records == null ? null : records.get(id);
        return record != null && record.inForceAt(Instant.ofEpochMilli(nowMillis)) ? Optional.of(record)
                : Optional.empty();
    }

    private static ServiceInstance shown(ServiceInstance registered, Optional<Maintenance> inForce) {
        return inForce.map(registered::inMaintenance).orElse(registered);
    }

    private static void checkNames(String service, String id) {
        ServiceInstance.checkServiceName(service);
        ServiceInstance.checkInstanceId(id);
    }

    private void startSweeper() {
        if (sweeper == null) {
            synchronized (this) {
                if (sweeper == null && !closed) {
                    ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(
                            DaemonThreads.named("beacon-memory-registry-sweeper"));
                    long period = Math.max(1, sweepInterval.toMillis());
                    executor.scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.MILLISECONDS);
                    sweeper = executor;
                }
            }
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("registry memory: is closed");
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (sweeper != null) {
            sweeper.shutdownNow();
        }
        hub.close();
    }

    @Override
    public String toString() {
        return "memory:";
    }
}
