package dev.beacon.client.internal;

import dev.beacon.ServiceInstance;
import dev.beacon.Status;
import dev.beacon.balance.Endpoint;
import dev.beacon.balance.LoadBalancer;
import dev.beacon.balance.internal.TrackedEndpoint;
import dev.beacon.balance.internal.ZonePreference;
import dev.beacon.client.ServiceView;
import dev.beacon.registry.RegistryEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * One service as a discovery client sees it: the instances the registry listed, per-instance health memory
 * (consecutive failures, ejections, when it became UP), and the routable view that {@code choose()} reads. Writers
 * (registry events, refreshes, call outcomes, maintenance ticks) synchronize on this object and publish a new
 * immutable {@link View}; {@code choose()} reads the volatile view without locking.
 */
public final class ServiceState {

    private static final Logger log = LoggerFactory.getLogger(ServiceState.class);

    /** What {@code choose()} reads: immutable, swapped atomically; every endpoint is a {@link TrackedEndpoint}. */
    public record View(List<Endpoint> endpoints, boolean panic) {
    }

    private static final class Health {
        int consecutiveFailures;
        int ejections;
        long ejectedUntil; // clock millis; 0 = not ejected
        long upSince;      // clock millis when it was first seen UP; 0 = warm from the start
    }

    private final String service;
    private final ClientSettings settings;
    private final LoadBalancer balancer;
    private final Map<String, ServiceInstance> instances = new TreeMap<>();
    private final Map<String, TrackedEndpoint> endpoints = new HashMap<>();
    private final Map<String, Health> health = new HashMap<>();
    private volatile View view = new View(List.of(), false);
    private volatile long confirmedAt;
    private volatile boolean stale;
    private boolean loaded;
    private boolean panic;
    /** The events applied since a read of the registry began, replayed over its result; null when none runs. */
    private List<RegistryEvent> sinceRead;
    /** Told the routable instances whenever they change, under this object's lock (so in order). */
    private final List<Consumer<List<ServiceInstance>>> listeners = new CopyOnWriteArrayList<>();
    private List<ServiceInstance> lastRoutable = List.of();

    public ServiceState(String service, ClientSettings settings) {
        this.service = service;
        this.settings = settings;
        this.balancer = settings.balancer().get();
    }

    public String service() {
        return service;
    }

    public View view() {
        return view;
    }

    /**
     * Adds {@code listener}, tells it the routable instances now, then after every change of them (which instances,
     * or what they carry; not their weights). Called under this object's lock, in order; a listener must be quick.
     *
     * @return removes the listener
     */
    public synchronized Runnable addListener(Consumer<List<ServiceInstance>> listener) {
        listeners.add(listener);
        tell(listener, lastRoutable);
        return () -> listeners.remove(listener);
    }

    private void tell(Consumer<List<ServiceInstance>> listener, List<ServiceInstance> routable) {
        try {
            listener.accept(routable);
        } catch (RuntimeException e) {
            log.warn("{}: a listener of its instances failed; it stays registered", service, e);
        }
    }

    public LoadBalancer balancer() {
        return balancer;
    }

    public boolean loaded() {
        return loaded;
    }

    /** Whether the last read of the registry failed. */
    public boolean stale() {
        return stale;
    }

    /**
     * Call just before reading the registry for {@link #replaceAll} or {@link #addAll}: the events applied while the
     * read runs are applied again over its result, so that a read that began before a change cannot undo the
     * change's event when it lands after it.
     */
    public synchronized void readStarted() {
        if (sinceRead == null) {
            sinceRead = new ArrayList<>();
        }
    }

    /** Replaces the known instances with a full read of the registry. */
    public synchronized void replaceAll(Collection<ServiceInstance> listed, boolean warmStart) {
        long now = settings.clock().millis();
        Map<String, ServiceInstance> fresh = new TreeMap<>();
        listed.forEach(instance -> fresh.put(instance.id(), instance));
        for (ServiceInstance instance : fresh.values()) {
            noteStatus(instance, now, warmStart || !loaded);
        }
        instances.keySet().retainAll(fresh.keySet());
        instances.putAll(fresh);
        replaySinceRead(now);
        loaded = true;
        confirmedAt = now;
        stale = false;
        rebuild(now);
    }

    /**
     * Adds or updates the listed instances and removes none: the first read after the registry was unreachable,
     * which may come from a registry that restarted empty. Clears the stale flag.
     */
    public synchronized void addAll(Collection<ServiceInstance> listed) {
        long now = settings.clock().millis();
        for (ServiceInstance instance : listed) {
            noteStatus(instance, now, false);
            instances.put(instance.id(), instance);
        }
        replaySinceRead(now);
        confirmedAt = now;
        stale = false;
        rebuild(now);
    }

    /** Applies one pushed event. */
    public synchronized void apply(RegistryEvent event) {
        long now = settings.clock().millis();
        if (sinceRead != null) {
            sinceRead.add(event);
        }
        applyOne(event, now);
        confirmedAt = now;
        rebuild(now);
    }

    private void replaySinceRead(long now) {
        if (sinceRead != null) {
            sinceRead.forEach(event -> applyOne(event, now));
            sinceRead = null;
        }
    }

    private void applyOne(RegistryEvent event, long now) {
        ServiceInstance instance = event.instance();
        switch (event.type()) {
            case REGISTERED, UPDATED -> {
                noteStatus(instance, now, false);
                instances.put(instance.id(), instance);
            }
            case DEREGISTERED, EXPIRED -> {
                instances.remove(instance.id());
                health.remove(instance.id());
            }
        }
    }

    /** The registry could not be read: keep serving what we have. */
    public synchronized void markStale() {
        stale = true;
        sinceRead = null;
    }

    /** Records the outcome of a call to {@code id}; may eject it. */
    public synchronized void outcome(String id, boolean success) {
        Health h = health.get(id);
        if (h == null) {
            return;
        }
        long now = settings.clock().millis();
        if (success) {
            h.consecutiveFailures = 0;
            return;
        }
        h.consecutiveFailures++;
        if (h.consecutiveFailures < settings.ejectAfterFailures() || h.ejectedUntil > now) {
            return;
        }
        // Envoy checks the ejected fraction before ejecting, which lets a 2-instance cluster eject both at 50 %.
        // Count as if this one were ejected, and always keep one instance in.
        int candidates = 0;
        int ejected = 1;
        for (Map.Entry<String, ServiceInstance> entry : instances.entrySet()) {
            if (entry.getValue().status() == Status.UP) {
                candidates++;
                Health other = health.get(entry.getKey());
                if (other != null && other != h && other.ejectedUntil > now) {
                    ejected++;
                }
            }
        }
        if (ejected >= candidates || ejected > settings.maxEjectedFraction() * candidates) {
            log.debug("{}: not ejecting {} after {} failures: {} of {} would be ejected", service, id,
                    h.consecutiveFailures, ejected, candidates);
            return;
        }
        h.ejections++;
        long duration = Math.min(settings.maxEjection().toMillis(),
                settings.baseEjection().toMillis() << Math.min(h.ejections - 1, 20));
        h.ejectedUntil = now + duration;
        h.consecutiveFailures = 0;
        log.info("{}: ejected {} for {} ms after {} consecutive failures (ejection #{})", service, id, duration,
                settings.ejectAfterFailures(), h.ejections);
        rebuild(now);
    }

    /** Ends ejections and advances slow-start weights whose time has come. */
    public synchronized void maintain() {
        long now = settings.clock().millis();
        boolean changed = false;
        for (Health h : health.values()) {
            if (h.ejectedUntil != 0 && h.ejectedUntil <= now) {
                h.ejectedUntil = 0;
                changed = true;
            }
            if (h.upSince != 0 && now - h.upSince <= settings.slowStart().toMillis() + 1_000) {
                changed = true;
            }
        }
        if (changed) {
            rebuild(now);
        }
    }

    private void noteStatus(ServiceInstance instance, long now, boolean warm) {
        Health h = health.computeIfAbsent(instance.id(), id -> new Health());
        ServiceInstance previous = instances.get(instance.id());
        boolean becameUp = instance.status() == Status.UP && (previous == null || previous.status() != Status.UP);
        if (becameUp && !warm && !settings.slowStart().isZero()) {
            h.upSince = now;
        }
    }

    /**
     * Publishes a new view. Candidates are the instances that pass the filter and are UP or DOWN; the healthy ones
     * are UP and not ejected. Panic mode is decided over all candidates, of every zone (as Envoy decides it per
     * cluster); then zone preference ({@link ZonePreference}) narrows what is routable to the local zone while one of
     * its instances there is healthy.
     */
    private void rebuild(long now) {
        List<ServiceInstance> candidates = new ArrayList<>();
        List<ServiceInstance> healthy = new ArrayList<>();
        for (ServiceInstance instance : instances.values()) {
            if ((instance.status() == Status.UP || instance.status() == Status.DOWN)
                    && settings.filter().test(instance)) {
                candidates.add(instance);
                if (healthy(instance, now)) {
                    healthy.add(instance);
                }
            }
        }
        boolean panicNow = !candidates.isEmpty() && healthy.size() < settings.panicThreshold() * candidates.size();
        if (panicNow != panic) {
            panic = panicNow;
            if (panicNow) {
                log.warn("{}: only {} of {} instances are healthy, below the protection threshold of {}; "
                        + "balancing over all of them", service, healthy.size(), candidates.size(),
                        settings.panicThreshold());
            } else {
                log.info("{}: {} of {} instances healthy again; back to healthy instances only", service,
                        healthy.size(), candidates.size());
            }
        }
        List<ServiceInstance> routable = panicNow ? candidates : healthy;
        if (settings.localZone().isPresent()) {
            routable = ZonePreference.preferLocal(routable, settings.localZone().get(), instance -> instance,
                    instance -> healthy(instance, now));
        }
        List<Endpoint> chosen = new ArrayList<>(routable.size());
        for (ServiceInstance instance : routable) {
            TrackedEndpoint endpoint = endpoints.get(instance.id());
            endpoint = endpoint == null ? TrackedEndpoint.of(instance) : endpoint.withInstance(instance);
            endpoint = endpoint.withWeight(weight(instance, now));
            endpoints.put(instance.id(), endpoint);
            chosen.add(endpoint);
        }
        endpoints.keySet().retainAll(instances.keySet());
        View current = view;
        if (!current.endpoints().equals(chosen) || current.panic() != panicNow) {
            view = new View(List.copyOf(chosen), panicNow);
        }
        List<ServiceInstance> nowRoutable = List.copyOf(routable);
        if (!nowRoutable.equals(lastRoutable)) {
            lastRoutable = nowRoutable;
            listeners.forEach(listener -> tell(listener, nowRoutable));
        }
    }

    /** UP and not ejected. */
    private boolean healthy(ServiceInstance instance, long now) {
        Health h = health.get(instance.id());
        return instance.status() == Status.UP && (h == null || h.ejectedUntil <= now);
    }

    private double weight(ServiceInstance instance, long now) {
        double weight = 1.0;
        String configured = instance.metadata().get("weight");
        if (configured != null) {
            try {
                double parsed = Double.parseDouble(configured);
                if (parsed > 0 && !Double.isInfinite(parsed)) {
                    weight = parsed;
                }
            } catch (NumberFormatException ignored) {
                // a bad weight counts as 1
            }
        }
        Health h = health.get(instance.id());
        long window = settings.slowStart().toMillis();
        if (h != null && h.upSince != 0 && window > 0) {
            long elapsed = now - h.upSince;
            if (elapsed < window) {
                double min = settings.slowStartMinWeight();
                weight *= min + (1 - min) * (elapsed / (double) window);
            } else {
                h.upSince = 0;
            }
        }
        return weight;
    }

    /** The observable view. */
    public synchronized ServiceView describe() {
        long now = settings.clock().millis();
        Set<String> ejected = new TreeSet<>();
        health.forEach((id, h) -> {
            if (h.ejectedUntil > now) {
                ejected.add(id);
            }
        });
        List<ServiceInstance> routable = new ArrayList<>();
        view.endpoints().forEach(e -> routable.add(e.instance()));
        return new ServiceView(service, new ArrayList<>(instances.values()), routable,
                Duration.ofMillis(Math.max(0, now - confirmedAt)), stale, view.panic(), ejected);
    }

    /** The known instances (all, unfiltered), for the failover cache. */
    public synchronized List<ServiceInstance> known() {
        return List.copyOf(instances.values());
    }
}
