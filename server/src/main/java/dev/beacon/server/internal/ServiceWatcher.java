package dev.beacon.server.internal;

import dev.beacon.ServiceInstance;
import dev.beacon.registry.RegistryEvent;
import dev.beacon.registry.ServiceRegistry;
import dev.beacon.registry.Subscription;
import dev.beacon.support.DaemonThreads;
import dev.beacon.support.WarnOnce;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * Watches every service of the registry, for the event counters of {@code /metrics} and the all-services stream of
 * {@code GET /events}. A registry can only watch named services, so a {@link #scan()} (run periodically on one
 * daemon thread once {@link #startScanning started}) lists the services and watches the new ones; registrations
 * through the API watch their service at once. The instances a service already has when a scan first sees it (after
 * the first scan) are announced as {@code REGISTERED}: they registered between scans, unseen. At most
 * {@code maxServices} services are watched. Thread-safe.
 */
final class ServiceWatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ServiceWatcher.class);
    private static final String SCAN_FAILING = "scan failing";
    private static final String FULL = "full";

    private final ServiceRegistry registry;
    private final int maxServices;
    private final Map<String, Subscription> watches = new ConcurrentHashMap<>();
    private final Map<String, EnumMap<RegistryEvent.Type, LongAdder>> counts = new ConcurrentHashMap<>();
    private final List<Consumer<RegistryEvent>> listeners = new CopyOnWriteArrayList<>();
    private final WarnOnce warnings = new WarnOnce(log);
    private ScheduledExecutorService scanner; // guarded by this
    private volatile boolean scanned;
    private volatile boolean closed;

    ServiceWatcher(ServiceRegistry registry, int maxServices) {
        this.registry = registry;
        this.maxServices = maxServices;
    }

    /** Scans now and then every {@code interval} (after each scan ends), until {@link #close()}. */
    synchronized void startScanning(Duration interval) {
        if (closed || scanner != null) {
            throw new IllegalStateException("the service scan starts once, before close");
        }
        scanner = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("beacon-http-service-scan"));
        scanner.scheduleWithFixedDelay(this::scan, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
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
            for (ServiceInstance instance : registry.instances(service)) {
                onEvent(new RegistryEvent(RegistryEvent.Type.REGISTERED, instance));
            }
        }
    }

    private void onEvent(RegistryEvent event) {
        counts.computeIfAbsent(event.instance().service(), s -> {
            EnumMap<RegistryEvent.Type, LongAdder> byType = new EnumMap<>(RegistryEvent.Type.class);
            for (RegistryEvent.Type type : RegistryEvent.Type.values()) {
                byType.put(type, new LongAdder());
            }
            return byType;
        }).get(event.type()).increment();
        for (Consumer<RegistryEvent> listener : listeners) {
            listener.accept(event);
        }
    }

    /** Receives the events of every watched service until the returned subscription is closed; must not block. */
    Subscription subscribe(Consumer<RegistryEvent> listener) {
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

    /** Stops the scan and closes every watch. Idempotent. */
    @Override
    public synchronized void close() {
        closed = true;
        if (scanner != null) {
            scanner.shutdownNow();
        }
        watches.forEach((service, subscription) -> {
            try {
                subscription.close();
            } catch (RuntimeException e) {
                log.warn("closing the watch of {} failed", service, e);
            }
        });
        watches.clear();
        listeners.clear();
    }
}
