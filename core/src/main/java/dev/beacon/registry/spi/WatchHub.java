package dev.beacon.registry.spi;

import dev.beacon.registry.RegistryEvent;
import dev.beacon.registry.Subscription;
import dev.beacon.support.DaemonThreads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The listeners of a registry's watches (of one service's events, and of {@linkplain #addServiceListener new
 * services}) and the one daemon thread that delivers their calls, in order. The thread starts with the first event
 * and ends when the hub is closed. Thread-safe.
 */
public final class WatchHub implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WatchHub.class);

    private final String threadName;
    private final Map<String, CopyOnWriteArrayList<Consumer<RegistryEvent>>> listeners = new ConcurrentHashMap<>();
    private final CopyOnWriteArrayList<Consumer<String>> serviceListeners = new CopyOnWriteArrayList<>();
    private final Consumer<String> unwatched;
    private volatile ExecutorService executor;
    private volatile boolean closed;

    public WatchHub(String threadName) {
        this(threadName, service -> { });
    }

    /**
     * @param unwatched called with a service whose last listener was just removed (on the thread that removed it),
     *                  so that the registry can stop what feeds that service's events; not called by {@link #close()}
     */
    public WatchHub(String threadName, Consumer<String> unwatched) {
        this.threadName = threadName;
        this.unwatched = unwatched;
    }

    /**
     * Adds a listener; the returned subscription removes it. Adding and removing
     * are atomic per service: a service is either watched, with at least one listener, or absent.
     */
    public Subscription add(String service, Consumer<RegistryEvent> listener) {
        listeners.compute(service, (s, list) -> {
            CopyOnWriteArrayList<Consumer<RegistryEvent>> result = list == null ? new CopyOnWriteArrayList<>() : list;
            result.add(listener);
            return result;
        });
        return () -> {
            boolean[] last = {false};
            listeners.computeIfPresent(service, (s, list) -> {
                if (!list.remove(listener) || !list.isEmpty()) {
                    return list;
                }
                last[0] = true;
                return null;
            });
            if (last[0] && !closed) {
                unwatched.accept(service);
            }
        };
    }

    /** The services that have at least one listener. */
    public Set<String> watchedServices() {
        Set<String> watched = ConcurrentHashMap.newKeySet();
        listeners.forEach((service, list) -> {
            if (!list.isEmpty()) {
                watched.add(service);
            }
        });
        return watched;
    }

    public boolean hasListeners(String service) {
        CopyOnWriteArrayList<Consumer<RegistryEvent>> list = listeners.get(service);
        return list != null && !list.isEmpty();
    }

    /** Queues {@code event} for the listeners of its service; returns at once. */
    public void publish(RegistryEvent event) {
        CopyOnWriteArrayList<Consumer<RegistryEvent>> list = listeners.get(event.instance().service());
        if (list == null || list.isEmpty() || closed) {
            return;
        }
        executor().execute(() -> {
            for (Consumer<RegistryEvent> listener : list) {
                try {
                    listener.accept(event);
                } catch (RuntimeException e) {
                    log.warn("registry watch listener failed on {} of {}; it keeps receiving events",
                            event.type(), event.instance().id(), e);
                }
            }
        });
    }

    /**
     * Adds a listener of {@link #publishService service names}, for
     * {@link dev.beacon.registry.ServiceRegistry#watchServices}; the returned subscription removes it.
     */
    public Subscription addServiceListener(Consumer<String> listener) {
        serviceListeners.add(listener);
        return () -> serviceListeners.remove(listener);
    }

    public boolean hasServiceListeners() {
        return !serviceListeners.isEmpty();
    }

    /**
     * Queues a call of every service listener with {@code service} (a service that may have gained an instance);
     * returns at once, and does nothing when there is no service listener.
     */
    public void publishService(String service) {
        if (serviceListeners.isEmpty() || closed) {
            return;
        }
        executor().execute(() -> {
            for (Consumer<String> listener : serviceListeners) {
                try {
                    listener.accept(service);
                } catch (RuntimeException e) {
                    log.warn("registry service listener failed on {}; it keeps being called", service, e);
                }
            }
        });
    }

    /** Runs {@code action} on the delivery thread, after every event published before it. */
    public void runInOrder(Runnable action) {
        if (!closed) {
            executor().execute(action);
        }
    }

    private ExecutorService executor() {
        ExecutorService current = executor;
        if (current == null) {
            synchronized (this) {
                current = executor;
                if (current == null) {
                    ThreadPoolExecutor created = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
                            new LinkedBlockingQueue<>(), DaemonThreads.named(threadName));
                    executor = current = created;
                }
            }
        }
        return current;
    }

    @Override
    public void close() {
        closed = true;
        listeners.clear();
        serviceListeners.clear();
        ExecutorService current = executor;
        if (current != null) {
            current.shutdown();
        }
    }
}
