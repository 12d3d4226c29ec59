package dev.beacon.registry;

import dev.beacon.ServiceInstance;
import dev.beacon.registry.spi.WatchHub;
import dev.beacon.support.DaemonThreads;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
 * while anyone watches (a test that moves a fake clock sees the events within one interval). Thread-safe; reads are
 * always current.
 */
public final class InMemoryServiceRegistry implements ServiceRegistry {

    private record Lease(ServiceInstance instance, Duration ttl, long expiresAtMillis) {
    }

    private final Clock clock;
    private final Duration sweepInterval;
    private final Map<String, Map<String, Lease>> services = new ConcurrentHashMap<>();
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
        checkOpen();
        long now = clock.millis();
        Lease fresh = new Lease(instance, ttl, now + ttl.toMillis());
        Lease[] previous = new Lease[1];
        services.computeIfAbsent(instance.service(), s -> new ConcurrentHashMap<>())
                .compute(instance.id(), (id, old) -> {
                    previous[0] = old;
                    return fresh;
                });
        Lease old = previous[0];
        if (old == null || old.expiresAtMillis() <= now) {
            if (old != null) {
                hub.publish(new RegistryEvent(RegistryEvent.Type.EXPIRED, old.instance()));
            }
            hub.publish(new RegistryEvent(RegistryEvent.Type.REGISTERED, instance));
            hub.publishService(instance.service());
        } else if (!old.instance().equals(instance)) {
            hub.publish(new RegistryEvent(RegistryEvent.Type.UPDATED, instance));
        }
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
        Lease removed = leases.remove(id);
        if (removed == null) {
            return false;
        }
        boolean live = removed.expiresAtMillis() > clock.millis();
        hub.publish(new RegistryEvent(live ? RegistryEvent.Type.DEREGISTERED : RegistryEvent.Type.EXPIRED,
                removed.instance()));
        return live;
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
                live.add(lease.instance());
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
                live.add(new dev.beacon.registry.Lease(lease.instance(),
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

    /** Removes expired leases and publishes an {@link RegistryEvent.Type#EXPIRED} event for each. */
    void sweep() {
        long now = clock.millis();
        services.forEach((service, leases) -> leases.forEach((id, lease) -> {
            if (lease.expiresAtMillis() <= now && leases.remove(id, lease)) {
                hub.publish(new RegistryEvent(RegistryEvent.Type.EXPIRED, lease.instance()));
            }
        }));
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
