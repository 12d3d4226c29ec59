package dev.beacon.registry.zookeeper.internal;

import dev.beacon.Maintenance;
import dev.beacon.RegistryUnavailableException;
import dev.beacon.ServiceInstance;
import dev.beacon.registry.Lease;
import dev.beacon.registry.RegistryEvent;
import dev.beacon.registry.RegistryEvent.Type;
import dev.beacon.registry.Subscription;
import dev.beacon.registry.spi.WatchHub;
import dev.beacon.support.DaemonThreads;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The watches of a ZooKeeper registry: per watched service, two {@link CuratorCache}s (its instance nodes and its
 * maintenance records), kept until the registry closes. Every change they see, and every deadline (a lease's end, a
 * maintenance's end, on a timer), makes the delivery thread compute the service's view again and publish the
 * difference with the last one: new ids are REGISTERED, changed ones UPDATED, ids whose lease ended EXPIRED and ids
 * whose node was removed DEREGISTERED. A renewal (a rewrite of the same data) changes nothing and publishes nothing.
 * Thread-safe.
 */
public final class ZooKeeperWatches implements AutoCloseable {

    /** Reads a lease from a node's content (see the registry). */
    @FunctionalInterface
    public interface LeaseReader {
        Optional<Lease> read(String service, String id, byte[] data, long mtime, long now, Maintenance maintenance);
    }

    /** Reads a service's live leases from ZooKeeper itself, not the caches. */
    @FunctionalInterface
    public interface CurrentReader {
        List<Lease> read(String service);
    }

    /** Reads a maintenance record in force from a node's content. */
    @FunctionalInterface
    public interface MaintenanceReader {
        Optional<Maintenance> read(byte[] data, long now);
    }

    private final CuratorFramework client;
    private final String basePath;
    private final String maintenanceBase;
    private final Clock clock;
    private final Duration initTimeout;
    private final LeaseReader leases;
    private final MaintenanceReader maintenance;
    private final CurrentReader current;
    private final WatchHub hub = new WatchHub("beacon-zookeeper-watch");
    private final Map<String, ServiceWatch> services = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("beacon-zookeeper-deadlines"));
    private volatile boolean closed;

    public ZooKeeperWatches(CuratorFramework client, String basePath, String maintenanceBase, Clock clock,
                            Duration initTimeout, LeaseReader leases, MaintenanceReader maintenance,
                            CurrentReader current) {
        this.client = client;
        this.basePath = basePath;
        this.maintenanceBase = maintenanceBase;
        this.clock = clock;
        this.initTimeout = initTimeout;
        this.leases = leases;
        this.maintenance = maintenance;
        this.current = current;
    }

    /**
     * Adds a listener of {@code service}'s changes from now on; the first for a service starts its caches and waits
     * for their first load.
     *
     * @throws RegistryUnavailableException when the caches did not load within the connect timeout
     */
    public Subscription watch(String service, Consumer<RegistryEvent> listener) {
        ServiceWatch watch = services.computeIfAbsent(service, ServiceWatch::new);
        watch.awaitReady();
        // The caches learn of a change a moment after it is made: a change made before this call may not have been
        // published yet. Read the service now, and keep from the new listener the events that only catch up with it.
        Map<String, ServiceInstance> now = new HashMap<>();
        current.read(service).forEach(lease -> now.put(lease.instance().id(), lease.instance()));
        CatchingUp filtered = new CatchingUp(listener);
        CompletableFuture<Subscription> added = new CompletableFuture<>();
        hub.runInOrder(() -> {
            filtered.expect(watch.view, now);
            added.complete(hub.add(service, filtered));
        });
        try {
            return added.get(Math.max(initTimeout.toMillis() * 2, 1000), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryUnavailableException("interrupted while watching " + service, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new RegistryUnavailableException("the watch of " + service + " did not start", e);
        }
    }

    /**
     * A listener's view of the events: those that bring an instance to the state a fresh read found when it
     * subscribed (and any before them about that instance) are changes made before it subscribed, and dropped.
     */
    private static final class CatchingUp implements Consumer<RegistryEvent> {
        private final Consumer<RegistryEvent> listener;
        /** Id to the state the published view has yet to reach: an instance, or empty for gone. */
        private final Map<String, Optional<ServiceInstance>> pending = new HashMap<>();

        CatchingUp(Consumer<RegistryEvent> listener) {
            this.listener = listener;
        }

        /** On the delivery thread: the differences between the published view and a fresh read. */
        void expect(Map<String, Lease> published, Map<String, ServiceInstance> fresh) {
            Map<String, Lease> view = published == null ? Map.of() : published;
            fresh.forEach((id, instance) -> {
                Lease seen = view.get(id);
                if (seen == null || !seen.instance().equals(instance)) {
                    pending.put(id, Optional.of(instance));
                }
            });
            view.keySet().stream().filter(id -> !fresh.containsKey(id)).forEach(id -> pending.put(id, Optional.empty()));
        }

        @Override
        public void accept(RegistryEvent event) {
            String id = event.instance().id();
            Optional<ServiceInstance> expected = pending.get(id);
            if (expected == null) {
                listener.accept(event);
                return;
            }
            boolean present = event.type() == Type.REGISTERED || event.type() == Type.UPDATED;
            if (present ? expected.equals(Optional.of(event.instance())) : expected.isEmpty()) {
                pending.remove(id);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
        services.values().forEach(ServiceWatch::close);
        hub.close();
    }

    /** One service's caches, and its view as last published (touched on the delivery thread only). */
    private final class ServiceWatch {
        private final String service;
        private final CuratorCache instances;
        private final CuratorCache records;
        private final CountDownLatch ready = new CountDownLatch(1);
        private final AtomicInteger toLoad = new AtomicInteger(2);
        private volatile Map<String, Lease> view;
        private ScheduledFuture<?> nextDeadline;

        ServiceWatch(String service) {
            this.service = service;
            this.instances = CuratorCache.build(client, basePath + "/" + service);
            this.records = CuratorCache.build(client, maintenanceBase + "/" + service);
            for (CuratorCache cache : List.of(instances, records)) {
                cache.listenable().addListener(CuratorCacheListener.builder()
                        .forAll((type, before, after) -> {
                            if (ready.getCount() == 0) {
                                hub.runInOrder(this::refresh);
                            }
                        })
                        .forInitialized(() -> {
                            if (toLoad.decrementAndGet() == 0) {
                                hub.runInOrder(() -> {
                                    view = compute(clock.millis());
                                    scheduleNext();
                                    ready.countDown();
                                });
                            }
                        })
                        .build());
                cache.start();
            }
        }

        void awaitReady() {
            try {
                if (!ready.await(Math.max(initTimeout.toMillis() * 2, 1000), TimeUnit.MILLISECONDS)) {
                    throw new RegistryUnavailableException("the watch of " + service + " did not load from ZooKeeper "
                            + "within " + initTimeout.toMillis() * 2 + " ms; it keeps trying", null);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RegistryUnavailableException("interrupted while the watch of " + service + " loaded", e);
            }
        }

        /** On the delivery thread: the view now, its difference with the last one published. */
        private void refresh() {
            if (closed || view == null) {
                return;
            }
            long now = clock.millis();
            Map<String, Lease> next = compute(now);
            for (Map.Entry<String, Lease> entry : next.entrySet()) {
                Lease before = view.get(entry.getKey());
                ServiceInstance instance = entry.getValue().instance();
                if (before == null) {
                    hub.publish(new RegistryEvent(Type.REGISTERED, instance));
                } else if (!before.instance().equals(instance)) {
                    hub.publish(new RegistryEvent(Type.UPDATED, instance));
                }
            }
            for (Map.Entry<String, Lease> entry : view.entrySet()) {
                if (!next.containsKey(entry.getKey())) {
                    Lease last = entry.getValue();
                    boolean ended = last.expiresAt().toEpochMilli() <= now
                            || instances.get(basePath + "/" + service + "/" + entry.getKey()).isPresent();
                    hub.publish(new RegistryEvent(ended ? Type.EXPIRED : Type.DEREGISTERED, last.instance()));
                }
            }
            view = next;
            scheduleNext();
        }

        private Map<String, Lease> compute(long now) {
            Map<String, Maintenance> inForce = new HashMap<>();
            String recordsPrefix = maintenanceBase + "/" + service + "/";
            records.stream().forEach(data -> {
                String id = childName(data, recordsPrefix);
                if (id != null) {
                    maintenance.read(data.getData(), now).ifPresent(m -> inForce.put(id, m));
                }
            });
            Map<String, Lease> next = new TreeMap<>();
            String prefix = basePath + "/" + service + "/";
            instances.stream().forEach(data -> {
                String id = childName(data, prefix);
                if (id != null && data.getStat() != null) {
                    leases.read(service, id, data.getData(), data.getStat().getMtime(), now, inForce.get(id))
                            .ifPresent(lease -> next.put(id, lease));
                }
            });
            return next;
        }

        /** Sets the timer to the next deadline: a lease's or a maintenance's end. */
        private void scheduleNext() {
            long now = clock.millis();
            long next = Long.MAX_VALUE;
            for (Lease lease : view.values()) {
                long end = lease.expiresAt().toEpochMilli();
                if (end > now) { // a foreign node's end moves with every look: this looks again then
                    next = Math.min(next, end);
                }
                Optional<Maintenance> m = lease.instance().maintenance();
                if (m.isPresent() && m.get().until().isPresent() && m.get().until().get().toEpochMilli() > now) {
                    next = Math.min(next, m.get().until().get().toEpochMilli());
                }
            }
            if (nextDeadline != null) {
                nextDeadline.cancel(false);
                nextDeadline = null;
            }
            if (next != Long.MAX_VALUE && !closed) {
                nextDeadline = timer.schedule(() -> hub.runInOrder(this::refresh), Math.max(0, next - now) + 5,
                        TimeUnit.MILLISECONDS);
            }
        }

        void close() {
            instances.close();
            records.close();
        }
    }

    /** The id of a direct child of the prefix's node, or null for the node itself or anything deeper. */
    private static String childName(ChildData data, String prefix) {
        String path = data.getPath();
        if (!path.startsWith(prefix)) {
            return null;
        }
        String name = path.substring(prefix.length());
        return name.isEmpty() || name.indexOf('/') >= 0 ? null : name;
    }
}
