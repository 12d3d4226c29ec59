package dev.beacon.registry.eureka.internal;

import dev.beacon.ServiceInstance;
import dev.beacon.registry.Lease;
import dev.beacon.registry.RegistryEvent;
import dev.beacon.registry.RegistryEvent.Type;
import dev.beacon.registry.Subscription;
import dev.beacon.support.DaemonThreads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The watches of a Eureka registry: Eureka has no push, so one daemon thread reads every watched service each poll
 * interval and gives each listener the difference between what it last saw and the new read, in order. A listener
 * starts from a read made when it subscribed, so it hears of changes made after that only. Thread-safe.
 *
 * <p>The registry's other reads of a watched service ({@code instances}, {@code leases}) are {@linkplain #observed
 * observed} too: a listener hears of what any read of this registry saw, newest read first served, older reads that
 * finish late ignored. Without that, a caller that read the registry between two polls — a discovery client's
 * periodic full read — could learn of an instance that lived shorter than a poll interval, which the watch then never
 * reported, neither its registration nor its end: the caller kept it until its next full read.
 */
public final class EurekaWatches implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EurekaWatches.class);

    private final Duration poll;
    private final Clock clock;
    private final Function<String, List<Lease>> reader;
    private final Map<String, CopyOnWriteArrayList<Watcher>> watchers = new ConcurrentHashMap<>();
    private final ScheduledExecutorService thread =
            Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("beacon-eureka-watch"));
    private final Object delivery = new Object();
    private volatile boolean failing;

    public EurekaWatches(Duration poll, Clock clock, Function<String, List<Lease>> reader) {
        this.poll = poll;
        this.clock = clock;
        this.reader = reader;
        thread.scheduleWithFixedDelay(this::pollAll, poll.toMillis(), poll.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Adds a listener of {@code service}'s changes from now on.
     *
     * @throws dev.beacon.RegistryUnavailableException when the first read fails
     */
    public Subscription watch(String service, Consumer<RegistryEvent> listener) {
        long readAt = System.nanoTime();
        Watcher watcher = new Watcher(listener, view(reader.apply(service)), readAt);
        synchronized (delivery) {
            watchers.computeIfAbsent(service, s -> new CopyOnWriteArrayList<>()).add(watcher);
        }
        return () -> {
            CopyOnWriteArrayList<Watcher> list = watchers.get(service);
            if (list != null) {
                list.remove(watcher);
            }
        };
    }

    private static Map<String, Lease> view(List<Lease> leases) {
        Map<String, Lease> view = new TreeMap<>();
        leases.forEach(lease -> view.put(lease.instance().id(), lease));
        return view;
    }

    /** Whether {@code service} has a listener. */
    public boolean watched(String service) {
        CopyOnWriteArrayList<Watcher> list = watchers.get(service);
        return list != null && !list.isEmpty();
    }

    /**
     * Gives the listeners of {@code service} what a read of the registry that started at {@code readAt}
     * ({@link System#nanoTime()}) found, unless they have had a read that started later. Returns at once: the
     * listeners are called on the watch thread, as for its own polls.
     */
    public void observed(String service, List<Lease> leases, long readAt) {
        CopyOnWriteArrayList<Watcher> list = watchers.get(service);
        if (list == null || list.isEmpty()) {
            return;
        }
        Map<String, Lease> next = view(leases);
        try {
            thread.execute(() -> {
                long now = clock.millis();
                synchronized (delivery) {
                    for (Watcher watcher : list) {
                        watcher.deliverIfNewer(next, now, readAt);
                    }
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            // the registry closed meanwhile: nobody listens any more
        }
    }

    private void pollAll() {
        for (Map.Entry<String, CopyOnWriteArrayList<Watcher>> entry : watchers.entrySet()) {
            if (entry.getValue().isEmpty()) {
                continue;
            }
            try {
                // the reader hands what it read to observed(), which delivers it to the listeners
                List<Lease> read = reader.apply(entry.getKey());
                log.trace("Eureka watch of {}: {} instances read", entry.getKey(), read.size());
                if (failing) {
                    failing = false;
                    log.info("Eureka watch reads again");
                }
            } catch (RuntimeException e) {
                if (thread.isShutdown()) {
                    return; // the registry closed during this read
                }
                if (!failing) {
                    failing = true;
                    log.warn("Eureka watch of {} cannot read the registry; it tries again every {} ms",
                            entry.getKey(), poll.toMillis(), e);
                }
            }
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
        watchers.clear();
    }

    /** One listener, the view it last saw and when the read behind that view started; guarded by the delivery lock. */
    private static final class Watcher {
        private final Consumer<RegistryEvent> listener;
        private long readAt;
        private Map<String, Lease> view;

        Watcher(Consumer<RegistryEvent> listener, Map<String, Lease> view, long readAt) {
            this.listener = listener;
            this.view = view;
            this.readAt = readAt;
        }

        void deliverIfNewer(Map<String, Lease> next, long now, long nextReadAt) {
            if (nextReadAt - readAt > 0) {
                readAt = nextReadAt;
                deliver(next, now);
            }
        }

        void deliver(Map<String, Lease> next, long now) {
            for (Map.Entry<String, Lease> entry : next.entrySet()) {
                Lease before = view.get(entry.getKey());
                ServiceInstance instance = entry.getValue().instance();
                if (before == null) {
                    send(new RegistryEvent(Type.REGISTERED, instance));
                } else if (!before.instance().equals(instance)) {
                    send(new RegistryEvent(Type.UPDATED, instance));
                }
            }
            for (Map.Entry<String, Lease> entry : view.entrySet()) {
                if (!next.containsKey(entry.getKey())) {
                    Lease last = entry.getValue();
                    boolean ended = last.expiresAt().toEpochMilli() <= now;
                    send(new RegistryEvent(ended ? Type.EXPIRED : Type.DEREGISTERED, last.instance()));
                }
            }
            view = next;
        }

        private void send(RegistryEvent event) {
            try {
                listener.accept(event);
            } catch (RuntimeException e) {
                log.warn("registry watch listener failed on {} of {}; it keeps receiving events", event.type(),
                        event.instance().id(), e);
            }
        }
    }
}
