package dev.beacon.server.internal;

import dev.beacon.ServiceInstance;
import dev.beacon.registry.Lease;
import dev.beacon.registry.RegistryEvent;
import dev.beacon.registry.ServiceRegistry;
import dev.beacon.registry.Subscription;
import dev.beacon.support.DaemonThreads;
import dev.beacon.support.Durations;
import dev.beacon.support.WarnOnce;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * Watches every service of the registry, for the event counters of {@code /metrics} and the all-services stream of
 * {@code GET /events}. A registry can only watch named services, so new services are found three ways: the registry
 * reports them where it can ({@link ServiceRegistry#watchServices}: the file and memory registries, within
 * milliseconds), registrations through the API watch their service at once, and a {@link #scan()} lists the services
 * now and then (the only way for Redis, and a safety net for the others). Once {@link #startScanning started}, one
 * daemon thread runs the scans and the watches of reported services. The instances a service already has when it is
 * first watched (after the first scan) are announced as {@code REGISTERED}, with their leases' time: they registered
 * before the watch began. At most {@code maxServices} services are watched. Thread-safe.
 */
final class ServiceWatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ServiceWatcher.class);
    private static final String SCAN_FAILING = "scan failing";
    private static final String FULL = "full";

    private final ServiceRegistry registry;
    private final int maxServices;
    private final Clock clock;
    private final Map<String, Subscription> watches = new ConcurrentHashMap<>();
    private final Map<String, EnumMap<RegistryEvent.Type, LongAdder>> counts = new ConcurrentHashMap<>();
    private final List<Consumer<StreamedEvent>> listeners = new CopyOnWriteArrayList<>();
    /** Services the registry reported and the watcher's thread has yet to watch. */
    private final Set<String> reported = ConcurrentHashMap.newKeySet();
    private final WarnOnce warnings = new WarnOnce(log);
    private volatile ScheduledExecutorService thread; // written under this
    private Subscription newServices = () -> { };    // guarded by this
    private volatile boolean scanned;
    private volatile boolean closed;

    ServiceWatcher(ServiceRegistry registry, int maxServices) {
        this(registry, maxServices, Clock.systemUTC());
    }

    /** @param clock stamps the registrations and updates streamed ({@link StreamedEvent#received}) */
    ServiceWatcher(ServiceRegistry registry, int maxServices, Clock clock) {
        this.registry = registry;
        this.maxServices = maxServices;
        this.clock = clock;
    }

    /**
     * Starts the watcher's thread: it follows the services the registry reports as new (where it can), scans now,
     * and scans again every {@code interval} (after each scan ends), until {@link #close()}.
     */
    synchronized void startScanning(Duration interval) {
        if (closed || thread != null) {
            throw new IllegalStateException("the service watcher starts once, before close");
        }
        thread = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("beacon-http-service-scan"));
        thread.scheduleWithFixedDelay(this::scan, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        try {
            newServices = registry.watchServices(this::reported);
        } catch (UnsupportedOperationException e) {
            log.debug("registry {} does not report new services; a scan every {} finds them", registry,
                    Durations.format(interval));
        } catch (RuntimeException e) {
            log.warn("registry {} cannot report new services ({}); a scan every {} finds them", registry,
                    e.toString(), Durations.format(interval));
        }
    }

    /** A service the registry reports as maybe new: watched on the watcher's thread unless it is already. */
    private void reported(String service) {
        if (closed || watches.containsKey(service) || !reported.add(service)) {
            return;
        }
        try {
            thread.execute(() -> {
                reported.remove(service);
                try {
                    watch(service);
                } catch (RuntimeException e) {
                    log.debug("watching the new service {} failed; the next scan retries", service, e);
                }
            });
        } catch (RejectedExecutionException closing) {
            reported.remove(service);
        }
    }

    /** Watches every service the registry lists that is not watched yet. Logs (once per outage) and carries on. */
    void scan() {
        try {
            for (String service : registry.services()) {
                watch(service);
            }
            scanned = true;
            if (warnings.warned(SCAN_FAILING)) {
                warnings.reset(SCAN_FAILING);
                log.info("registry {} answers again; service scan resumed", registry);
            }
        } catch (RuntimeException e) {
            warnings.warn(SCAN_FAILING, "service scan of registry {} failed; retrying on the next scan", registry, e);
        }
    }

    /**
     * Watches {@code service} if it is not watched yet (call before registering into it, so its event is seen).
     *
     * @throws RuntimeException what the registry throws
     */
    void watch(String service) {
        if (closed || watches.containsKey(service)) {
            return;
        }
        synchronized (this) {
            if (closed || watches.containsKey(service)) {
                return;
            }
            if (watches.size() >= maxServices) {
                warnings.warn(FULL, "watching {} services already; {} and later ones are not watched (no event "
                        + "counts, not in GET /events)", maxServices, service);
                return;
            }
            watches.put(service, registry.watch(service, this::onEvent));
        }
        if (scanned) {
            for (StreamedEvent present : present(service)) {
                deliver(present);
            }
        }
    }

    /** The live instances of {@code service} as registrations, with their leases' time where the registry has it. */
    private List<StreamedEvent> present(String service) {
        Optional<List<Lease>> leases = ReadRoutes.leases(registry, service);
        if (leases.isPresent()) {
            return leases.get().stream().map(StreamedEvent::registered).toList();
        }
        return registry.instances(service).stream()
                .map(instance -> new StreamedEvent(new RegistryEvent(RegistryEvent.Type.REGISTERED, instance),
                        Optional.empty()))
                .toList();
    }

    private void onEvent(RegistryEvent event) {
        deliver(StreamedEvent.received(event, clock.instant()));
    }

    private void deliver(StreamedEvent streamed) {
        RegistryEvent event = streamed.event();
        ServiceInstance instance = event.instance();
        counts.computeIfAbsent(instance.service(), s -> {
            EnumMap<RegistryEvent.Type, LongAdder> byType = new EnumMap<>(RegistryEvent.Type.class);
            for (RegistryEvent.Type type : RegistryEvent.Type.values()) {
                byType.put(type, new LongAdder());
            }
            return byType;
        }).get(event.type()).increment();
        for (Consumer<StreamedEvent> listener : listeners) {
            listener.accept(streamed);
        }
    }

    /** Receives the events of every watched service until the returned subscription is closed; must not block. */
    Subscription subscribe(Consumer<StreamedEvent> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** Events seen so far, per service and type; a watched service without events is listed with zeros. */
    Map<String, EnumMap<RegistryEvent.Type, Long>> counts() {
        Map<String, EnumMap<RegistryEvent.Type, Long>> snapshot = new TreeMap<>();
        for (String service : watches.keySet()) {
            EnumMap<RegistryEvent.Type, Long> byType = new EnumMap<>(RegistryEvent.Type.class);
            EnumMap<RegistryEvent.Type, LongAdder> adders = counts.get(service);
            for (RegistryEvent.Type type : RegistryEvent.Type.values()) {
                byType.put(type, adders == null ? 0L : adders.get(type).sum());
            }
            snapshot.put(service, byType);
        }
        return snapshot;
    }

    int watched() {
        return watches.size();
    }

    /** Stops the watcher's thread and closes the report of new services and every watch. Idempotent. */
    @Override
    public synchronized void close() {
        closed = true;
        if (thread != null) {
            thread.shutdownNow();
        }
        close("the report of new services", newServices);
        watches.forEach((service, subscription) -> close("the watch of " + service, subscription));
        watches.clear();
        listeners.clear();
    }

    private static void close(String what, Subscription subscription) {
        try {
            subscription.close();
        } catch (RuntimeException e) {
            log.warn("closing {} failed", what, e);
        }
    }
}
