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

    private void pollAll() {
        for (Map.Entry<String, CopyOnWriteArrayList<Watcher>> entry : watchers.entrySet()) {
            if (entry.getValue().isEmpty()) {
                continue;
            }
            long readAt = System.nanoTime();
            Map<String, Lease> next;
            try {
                next = view(reader.apply(entry.getKey()));
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
                continue;
            }
            long now = clock.millis();
            synchronized (delivery) {
                for (Watcher watcher : entry.getValue()) {
                    if (watcher.readAt - readAt <= 0) {
                        watcher.deliver(next, now);
                    }
                }
            }
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
        watchers.clear();
    }

    /** One listener and the view it last saw. */
    private static final class Watcher {
        private final Consumer<RegistryEvent> listener;
        private final long readAt;
        private Map<String, Lease> view;

        Watcher(Consumer<RegistryEvent> listener, Map<String, Lease> view, long readAt) {
            this.listener = listener;
            this.view = view;
            this.readAt = readAt;
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
