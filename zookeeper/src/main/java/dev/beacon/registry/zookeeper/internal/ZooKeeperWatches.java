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
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The watches of a ZooKeeper registry: per watched service, two {@link CuratorCache}s (its instance nodes and its
 * maintenance records), kept while the service has a listener. Every change they see, and every deadline (a lease's
 * end, a maintenance's end, on a timer), makes the delivery thread compute the service's view again and publish the
 * difference with the last one: new ids are REGISTERED, changed ones UPDATED, ids whose lease ended EXPIRED and ids
 * whose node was removed DEREGISTERED. A renewal (a rewrite of the same data) changes nothing and publishes nothing.
 *
 * <p>When the last subscription of a service is closed (and no {@link #watch} of it is under way), its caches are
 * closed, its view and deadline forgotten, and its two persistent recursive watches removed from the server (closing
 * a cache only forgets its watcher in the client: ZooKeeper keeps the session's watch on the path). A later
 * {@link #watch} of the service starts new caches, once that removal is done: removing a path's watches removes them
 * all, and must not take the new caches' with it. Thread-safe.
 */
public final class ZooKeeperWatches implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ZooKeeperWatches.class);
    private static final CompletableFuture<Void> RELEASED = CompletableFuture.completedFuture(null);

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
    private final WatchHub hub = new WatchHub("beacon-zookeeper-watch", this::unwatched);
    /**
     * The watch of each service, changed only in the map's atomic operations (which guard a watch's {@code pending}
     * and {@code releasing}); a watch being released stays until its release is done or a new watch replaces it.
     */
    private final Map<String, ServiceWatch> services = new ConcurrentHashMap<>();
    private final ScheduledThreadPoolExecutor timer =
            new ScheduledThreadPoolExecutor(1, DaemonThreads.named("beacon-zookeeper-deadlines"));
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
        timer.setRemoveOnCancelPolicy(true); // a released service's deadline leaves the queue at once
    }

    /**
     * Adds a listener of {@code service}'s changes from now on; the first for a service starts its caches (once the
     * removal of its previous ones, if any, is done) and waits for their first load.
     *
     * @throws RegistryUnavailableException when the caches did not load within the connect timeout
     */
    public Subscription watch(String service, Consumer<RegistryEvent> listener) {
        // Counted as pending until its listener is added (or it failed), so that the last subscription closed
        // meanwhile does not release the caches it is about to use; a watch being released is not reused.
        ServiceWatch[] created = {null};
        ServiceWatch watch = services.compute(service, (s, existing) -> {
            ServiceWatch w = existing;
            if (w == null || w.releasing) {
                w = new ServiceWatch(s, existing == null ? RELEASED : existing.released);
                created[0] = w;
            }
            w.pending++;
            return w;
        });
        try {
            if (created[0] != null) {
                watch.startAfterPrevious();
            }
            watch.awaitReady();
            return subscribe(watch, listener);
        } finally {
            settle(service, watch);
        }
    }

    private Subscription subscribe(ServiceWatch watch, Consumer<RegistryEvent> listener) {
        String service = watch.service;
        // The caches learn of a change a moment after it is made: a change made before this call may not have been
        // published yet. Read the service now, and keep from the new listener the events that only catch up with it.
        Map<String, ServiceInstance> now = new HashMap<>();
        current.read(service).forEach(lease -> now.put(lease.instance().id(), lease.instance()));
        CatchingUp filtered = new CatchingUp(listener);
        CompletableFuture<Subscription> added = new CompletableFuture<>();
        hub.runInOrder(() -> {
            if (added.isDone()) {
                return; // the caller gave up
            }
            filtered.expect(watch.view, now);
            Subscription subscription = hub.add(service, filtered);
            if (!added.complete(subscription)) {
                subscription.close();
            }
        });
        try {
            return added.get(Math.max(initTimeout.toMillis() * 2, 1000), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            gaveUp(added, e);
            throw new RegistryUnavailableException("interrupted while watching " + service, e);
        } catch (ExecutionException | TimeoutException e) {
            gaveUp(added, e);
            throw new RegistryUnavailableException("the watch of " + service + " did not start", e);
        }
    }

    /** The caller of {@link #watch} leaves without its subscription: a listener added just now is removed. */
    private static void gaveUp(CompletableFuture<Subscription> added, Exception e) {
        if (!added.completeExceptionally(e)) {
            added.join().close();
        }
    }

    /** The hub removed the last listener of {@code service}. */
    private void unwatched(String service) {
        settle(service, null);
    }

    /**
     * Ends {@code done}'s pending {@link #watch} (when not null), and releases the service's watch when it has neither
     * a listener nor a pending watch any more. Deciding under the map's lock, with the pending count that
     * {@link #watch} raised under it before using the watch, is what keeps a new watch from being attached to caches
     * being closed: either it came first and the watch stays, or it finds the watch releasing and starts a new one.
     */
    private void settle(String service, ServiceWatch done) {
        ServiceWatch[] release = {null};
        services.computeIfPresent(service, (s, w) -> {
            if (w == done) {
                w.pending--;
            }
            if (!closed && !w.releasing && w.pending == 0 && !hub.hasListeners(s)) {
                w.releasing = true;
                w.ended = true;
                release[0] = w;
            }
            return w;
        });
        if (release[0] != null) {
            ServiceWatch w = release[0];
            var unused = w.previous.whenComplete((r, e) -> release(w));
        }
    }

    /** Releases {@code watch}, then lets a new watch of its service start. */
    private void release(ServiceWatch watch) {
        CompletableFuture<Void> gone;
        try {
            gone = watch.release();
        } catch (RuntimeException e) {
            log.warn("the watch of {} was not released cleanly", watch.service, e);
            gone = RELEASED;
        }
        var unused = gone.whenComplete((r, e) -> {
            services.remove(watch.service, watch);
            watch.released.complete(null);
        });
    }

    /**
     * Removes this session's persistent recursive watches on {@code path} from the server, again after a lost
     * connection (the server keeps them while the session lasts); completes once they are gone, or the session.
     */
    private void removeServerWatches(String path, CompletableFuture<Void> done) {
        if (closed) {
            done.complete(null);
            return;
        }
        try {
            client.watchers().removeAll().ofType(Watcher.WatcherType.PersistentRecursive).inBackground((c, event) -> {
                KeeperException.Code code = KeeperException.Code.get(event.getResultCode());
                if (code == KeeperException.Code.CONNECTIONLOSS || code == KeeperException.Code.OPERATIONTIMEOUT
                        || code == KeeperException.Code.SESSIONMOVED) {
                    log.debug("the watches of {} are removed again: {}", path, code);
                    removeServerWatches(path, done);
                } else {
                    // OK; NOWATCHER (the client had forgotten them, the server removed them all the same); or the
                    // session ended, and its watches with it
                    done.complete(null);
                }
            }).forPath(path);
        } catch (Exception e) {
            log.debug("the watches of {} could not be removed", path, e);
            done.complete(null);
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
        services.values().forEach(ServiceWatch::closeCaches);
        hub.close();
    }

    /**
     * One service's caches (started once the release of the service's previous watch is done), and its view as last
     * published (touched on the delivery thread only).
     */
    private final class ServiceWatch {
        private final String service;
        private final String instancesPath;
        private final String recordsPath;
        /** The release of the service's previous watch. */
        private final CompletableFuture<Void> previous;
        /** Completed once this watch's caches are closed and their watches gone from the server. */
        private final CompletableFuture<Void> released = new CompletableFuture<>();
        private final CountDownLatch ready = new CountDownLatch(1);
        private final AtomicInteger toLoad = new AtomicInteger(2);
        /** The {@link #watch} calls using this watch whose listener is not added yet; guarded by the map. */
        private int pending;
        /** Set once, when its last listener left; guarded by the map. */
        private boolean releasing;
        /** Set with {@code releasing}: publishes nothing more. */
        private volatile boolean ended;
        /** Set once, under this watch's lock. */
        private volatile CuratorCache instances;
        private volatile CuratorCache records;
        private boolean cachesClosed; // guarded by this
        private volatile Map<String, Lease> view;
        private ScheduledFuture<?> nextDeadline;

        ServiceWatch(String service, CompletableFuture<Void> previous) {
            this.service = service;
            this.instancesPath = basePath + "/" + service;
            this.recordsPath = maintenanceBase + "/" + service;
            this.previous = previous;
        }

        void startAfterPrevious() {
            var unused = previous.whenComplete((r, e) -> start());
        }

        private synchronized void start() {
            if (cachesClosed || closed) {
                return;
            }
            instances = CuratorCache.build(client, instancesPath);
            records = CuratorCache.build(client, recordsPath);
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
                                    if (ended) {
                                        return;
                                    }
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
                    if (!previous.isDone()) {
                        throw new RegistryUnavailableException("the watch of " + service + " did not start within "
                                + initTimeout.toMillis() * 2 + " ms: the watches of its previous watch are still "
                                + "being removed from ZooKeeper", null);
                    }
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
            if (closed || ended || view == null) {
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
            if (next != Long.MAX_VALUE && !closed && !ended) {
                nextDeadline = timer.schedule(() -> hub.runInOrder(this::refresh), Math.max(0, next - now) + 5,
                        TimeUnit.MILLISECONDS);
            }
        }

        /**
         * Closes the caches, forgets the view and its deadline, and removes the caches' watches from the server;
         * completes once they are gone.
         */
        CompletableFuture<Void> release() {
            if (!closeCaches()) {
                return RELEASED;
            }
            hub.runInOrder(() -> { // after any refresh under way
                if (nextDeadline != null) {
                    nextDeadline.cancel(false);
                    nextDeadline = null;
                }
                view = null;
            });
            CompletableFuture<Void> instancesGone = new CompletableFuture<>();
            CompletableFuture<Void> recordsGone = new CompletableFuture<>();
            removeServerWatches(instancesPath, instancesGone);
            removeServerWatches(recordsPath, recordsGone);
            return CompletableFuture.allOf(instancesGone, recordsGone);
        }

        /** Closes the caches, or keeps them from starting; whether they had started. */
        synchronized boolean closeCaches() {
            boolean wasClosed = cachesClosed;
            cachesClosed = true;
            ended = true;
            if (wasClosed || instances == null) {
                return false;
            }
            instances.close();
            records.close();
            return true;
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
