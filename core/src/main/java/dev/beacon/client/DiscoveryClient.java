package dev.beacon.client;

import dev.beacon.RegistryUnavailableException;
import dev.beacon.ServiceInstance;
import dev.beacon.balance.Endpoint;
import dev.beacon.balance.LoadBalancer;
import dev.beacon.balance.internal.TrackedEndpoint;
import dev.beacon.client.internal.ClientSettings;
import dev.beacon.client.internal.FailoverCache;
import dev.beacon.client.internal.ServiceState;
import dev.beacon.registry.ServiceRegistry;
import dev.beacon.registry.Subscription;
import dev.beacon.support.DaemonThreads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Finds instances of other services: client-side discovery over any {@link ServiceRegistry}.
 *
 * <pre>{@code
 * DiscoveryClient client = DiscoveryClient.builder(Registries.open("redis://10.0.0.7:6379"))
 *         .balancer(LoadBalancer::leastInFlight)
 *         .filter(InstanceFilters.metadata("version", "2.*"))
 *         .build();
 * Optional<ServiceInstance> one = client.choose("orders");
 * String answer = client.call("orders", instance -> send(instance.uri("http").resolve("/orders/7")));
 * }</pre>
 *
 * <p><b>Freshness.</b> Every service asked for is read once, then kept current by the registry's watch events (push:
 * within milliseconds on Redis, memory and file registries — see BENCHMARKS.md for measured figures) and re-read
 * every {@code refreshInterval} (default 30 s) in case an event was lost. Lookups never touch the registry: they read
 * an immutable local snapshot, so {@link #choose} costs a map lookup plus the balancer.
 *
 * <p><b>When the registry is unreachable</b> the client keeps serving its last known good snapshot (see
 * {@link #view} for its age and staleness) instead of returning nothing; with a {@link Builder#failoverCache
 * failover cache} it even starts from the snapshot of its last run. The first read after the registry is reachable
 * again adds the instances it lists but removes none (a registry that came back empty lists nobody until its
 * registrants' next heartbeat); the next read, one {@code refreshInterval} later, replaces the snapshot as usual.
 *
 * <p><b>What is routable.</b> Instances that pass the filter, with status {@code UP}, not ejected. When fewer than
 * the protection threshold (default 50 %) of the candidates (those UP or DOWN that pass the filter, in every zone)
 * are healthy, the client balances over all candidates — UP or DOWN, ejected or not — as Envoy's panic mode does,
 * and logs it; {@link ServiceView#panic()} shows it. With a {@link Builder#localZone local zone}, the instances of
 * that zone are preferred while at least one of them is healthy (UP, not ejected); otherwise the other zones take
 * the calls. {@link LoadBalancer#zonePreferring} follows the same rule. Instances that just became UP get a
 * weight that ramps from 10 % to 100 % over the slow-start window (off by default). Calls made through
 * {@link #call} (or reported through {@link #begin}) eject an instance after consecutive failures (default 5) for 30 s, doubling on each repeat up to 5
 * min; no more than half the instances are ejected, counted after the ejection, and at least one always remains.
 *
 * <p>Thread-safe. {@link #close()} stops the client's thread and watches.
 */
public final class DiscoveryClient implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DiscoveryClient.class);
    private static final long MAINTENANCE_MILLIS = 500;

    private final ServiceRegistry registry;
    private final ClientSettings settings;
    private final Optional<FailoverCache> failoverCache;
    private final Map<String, ServiceState> services = new ConcurrentHashMap<>();
    private final Map<String, Subscription> watches = new ConcurrentHashMap<>();
    private final ScheduledExecutorService scheduler;
    private volatile boolean closed;

    private DiscoveryClient(Builder builder) {
        this.registry = builder.registry;
        this.settings = new ClientSettings(builder.filter, builder.balancer, Optional.ofNullable(builder.localZone),
                builder.panicThreshold, builder.ejectAfterFailures, builder.baseEjection, builder.maxEjection,
                builder.maxEjectedFraction, builder.slowStart, 0.1, builder.refreshInterval, builder.clock);
        this.failoverCache = Optional.ofNullable(builder.failoverCache).map(FailoverCache::new);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("beacon-discovery-client"));
        long refresh = settings.refreshInterval().toMillis();
        scheduler.scheduleWithFixedDelay(this::refreshAll, refresh, refresh, TimeUnit.MILLISECONDS);
        scheduler.scheduleWithFixedDelay(this::maintain, MAINTENANCE_MILLIS, MAINTENANCE_MILLIS,
                TimeUnit.MILLISECONDS);
    }

    /** Starts a builder over {@code registry} (which the client does not close). */
    public static Builder builder(ServiceRegistry registry) {
        return new Builder(registry);
    }

    /** The routable instances of {@code service}, from the local snapshot; empty if none. */
    public List<ServiceInstance> instances(String service) {
        List<Endpoint> endpoints = state(service).view().endpoints();
        List<ServiceInstance> instances = new ArrayList<>(endpoints.size());
        endpoints.forEach(endpoint -> instances.add(endpoint.instance()));
        return List.copyOf(instances);
    }

    /** One routable instance of {@code service} picked by the balancer; empty if none. */
    public Optional<ServiceInstance> choose(String service) {
        return choose(service, null);
    }

    /** Like {@link #choose(String)}, with a key for consistent hashing (ignored by other balancers). */
    public Optional<ServiceInstance> choose(String service, String key) {
        ServiceState state = state(service);
        List<Endpoint> endpoints = state.view().endpoints();
        if (endpoints.isEmpty()) {
            return Optional.empty();
        }
        Endpoint chosen = state.balancer().choose(endpoints, key);
        // The client's endpoints carry their Optional, made once: no garbage per lookup.
        return chosen instanceof TrackedEndpoint tracked ? tracked.optionalInstance() : Optional.of(chosen.instance());
    }

    /**
     * Chooses an instance of {@code service}, runs {@code function} with it, and records the outcome for the
     * balancers and outlier ejection: a return is a success, anything thrown (exception or error) a failure, rethrown
     * unchanged. While {@code function} runs the call counts as in flight; its duration feeds the latency-aware
     * balancers. This is the safe way to record calls; {@link #begin} is for code that must decide itself what counts
     * as a failure.
     *
     * <pre>{@code
     * Order order = client.call("orders", instance -> orders.fetch(instance.uri("http"), id));
     * }</pre>
     *
     * An answer that is a failure without an exception (an HTTP 503 returned as a response) counts as a success
     * unless {@code function} throws for it.
     *
     * @return what {@code function} returned
     * @throws NoInstanceAvailableException if no instance is routable; {@code function} is not run
     * @throws E                            what {@code function} threw (see {@link InstanceFunction} for how the
     *                                      compiler infers {@code E})
     */
    public <T, E extends Exception> T call(String service, InstanceFunction<T, E> function) throws E {
        return call(service, null, function);
    }

    /** Like {@link #call(String, InstanceFunction)}, with a key for consistent hashing. */
    public <T, E extends Exception> T call(String service, String key, InstanceFunction<T, E> function) throws E {
        Objects.requireNonNull(function, "function");
        try (Call call = begin(service, key)) {
            try {
                return function.apply(call.instance());
            } catch (Throwable t) {
                call.failed();
                throw t;
            }
        }
    }

    /**
     * Chooses an instance and opens a call to it, for code that reports the outcome itself; prefer
     * {@link #call(String, InstanceFunction)}, which records a thrown exception as a failure without help. The call
     * is a success unless {@link Call#failed()} is called before it is closed.
     *
     * @throws NoInstanceAvailableException if no instance is routable
     */
    public Call begin(String service) {
        return begin(service, null);
    }

    /** Like {@link #begin(String)}, with a key for consistent hashing. */
    public Call begin(String service, String key) {
        ServiceState state = state(service);
        List<Endpoint> endpoints = state.view().endpoints();
        if (endpoints.isEmpty()) {
            throw new NoInstanceAvailableException("no UP instance of '" + service + "' is registered in " + registry
                    + " that passes the client's filter (known: " + state.describe().known().size() + ")");
        }
        Endpoint chosen = state.balancer().choose(endpoints, key);
        return new CallHandle(state, chosen);
    }

    /**
     * Tells {@code listener} the routable instances of {@code service} now (possibly empty, while the first read
     * has found none), then again whenever they change: pushed by the registry's watch events, re-read every
     * {@code refreshInterval}, and after ejections and their ends. The list is immutable and in instance-id order.
     * The listener runs on the thread that applied the change (the registry's watch thread, the client's own), under
     * the service's lock, so calls come one at a time and in order; it must be quick and must not block. An exception
     * it throws is logged and does not unsubscribe it.
     *
     * <pre>{@code
     * Subscription s = client.watch("orders", instances -> channel.update(instances));
     * }</pre>
     *
     * @return stops the listener; closing the client stops it too
     */
    public Subscription watch(String service, Consumer<List<ServiceInstance>> listener) {
        Objects.requireNonNull(listener, "listener");
        Runnable remove = state(service).addListener(listener);
        return new Subscription() {
            private final AtomicBoolean closed = new AtomicBoolean();

            @Override
            public void close() {
                if (closed.compareAndSet(false, true)) {
                    remove.run();
                }
            }
        };
    }

    /** What the client knows of every service asked for so far, by name, as {@link #view} gives it. */
    public Map<String, ServiceView> views() {
        Map<String, ServiceView> all = new TreeMap<>();
        services.forEach((name, state) -> all.put(name, state.describe()));
        return Collections.unmodifiableMap(all);
    }

    /** The registry this client reads. */
    public ServiceRegistry registry() {
        return registry;
    }

    /** What the client knows of {@code service}: instances, age and staleness, panic mode, ejections. */
    public ServiceView view(String service) {
        return state(service).describe();
    }

    private ServiceState state(String service) {
        ServiceState state = services.get(service);
        if (state != null) {
            return state;
        }
        ServiceInstance.checkServiceName(service);
        if (closed) {
            throw new IllegalStateException("discovery client is closed");
        }
        return services.computeIfAbsent(service, name -> {
            ServiceState created = new ServiceState(name, settings);
            load(created, true);
            return created;
        });
    }

    /** First read of a service: registry, else the failover cache; then subscribe to its events. */
    private void load(ServiceState state, boolean first) {
        try {
            watch(state);
            state.readStarted();
            List<ServiceInstance> listed = registry.instances(state.service());
            if (state.loaded() && state.stale()) {
                // The first read after an outage adds but removes nothing: a registry that came back empty (a
                // restarted Redis without persistence) lists nobody until its registrants' next heartbeat, and
                // replacing the last known good snapshot with that would leave nothing to choose. The next read
                // replaces as usual; events remove instances meanwhile.
                state.addAll(listed);
                return;
            }
            state.replaceAll(listed, first);
            failoverCache.ifPresent(cache -> cache.save(state.service(), listed));
        } catch (RegistryUnavailableException e) {
            state.markStale();
            if (!state.loaded()) {
                Optional<List<ServiceInstance>> cached = failoverCache.flatMap(cache -> cache.load(state.service()));
                cached.ifPresent(instances -> {
                    state.replaceAll(instances, true);
                    state.markStale();
                });
                log.warn("registry {} unavailable; {} starts from {}", registry, state.service(),
                        cached.isPresent() ? "its failover cache" : "nothing", e);
            } else {
                log.warn("registry {} unavailable; serving the last known instances of {}", registry,
                        state.service(), e);
            }
        }
    }

    private void watch(ServiceState state) {
        if (watches.containsKey(state.service())) {
            return;
        }
        Subscription subscription = registry.watch(state.service(), event -> {
            state.apply(event);
        });
        if (watches.putIfAbsent(state.service(), subscription) != null) {
            subscription.close();
        }
    }

    /** Re-reads every known service (the pull half of freshness). */
    void refreshAll() {
        for (ServiceState state : services.values()) {
            if (closed) {
                return;
            }
            try {
                load(state, false);
            } catch (RuntimeException e) {
                log.warn("refreshing {} failed; keeping the last known instances", state.service(), e);
            }
        }
    }

    /** Ends ejections and advances slow start. */
    void maintain() {
        for (ServiceState state : services.values()) {
            try {
                state.maintain();
            } catch (RuntimeException e) {
                log.warn("maintenance of {} failed", state.service(), e);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        scheduler.shutdownNow();
        watches.values().forEach(Subscription::close);
        watches.clear();
    }

    /**
     * A call in flight. The endpoints of the client's snapshots are {@link TrackedEndpoint}s; a balancer that returns
     * an endpoint of its own (against {@link LoadBalancer#choose}'s contract) still gets the outcome recorded, only
     * not the in-flight count and latency.
     */
    private static final class CallHandle implements Call {
        private final ServiceState state;
        private final Endpoint endpoint;
        private final TrackedEndpoint tracked;
        private final long startedAt;
        private boolean failed;
        private boolean closed;

        CallHandle(ServiceState state, Endpoint endpoint) {
            this.state = state;
            this.endpoint = endpoint;
            this.tracked = endpoint instanceof TrackedEndpoint t ? t : null;
            if (tracked != null) {
                tracked.callStarted();
            }
            this.startedAt = System.nanoTime();
        }

        @Override
        public ServiceInstance instance() {
            return endpoint.instance();
        }

        @Override
        public void failed() {
            failed = true;
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            if (tracked != null) {
                tracked.callFinished(System.nanoTime() - startedAt);
            }
            state.outcome(endpoint.instance().id(), !failed);
        }
    }

    /** Configures a {@link DiscoveryClient}; setters fail fast on bad values. Not thread-safe. */
    public static final class Builder {
        private final ServiceRegistry registry;
        private Predicate<ServiceInstance> filter = instance -> true;
        private Supplier<LoadBalancer> balancer;
        private String localZone;
        private double panicThreshold = 0.5;
        private int ejectAfterFailures = 5;
        private Duration baseEjection = Duration.ofSeconds(30);
        private Duration maxEjection = Duration.ofMinutes(5);
        private double maxEjectedFraction = 0.5;
        private Duration slowStart = Duration.ZERO;
        private Duration refreshInterval = Duration.ofSeconds(30);
        private Clock clock = Clock.systemUTC();
        private Path failoverCache;

        private Builder(ServiceRegistry registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
        }

        /** Only instances matching {@code filter} (see {@link InstanceFilters}); status is checked separately. */
        public Builder filter(Predicate<ServiceInstance> filter) {
            this.filter = Objects.requireNonNull(filter, "filter");
            return this;
        }

        /** The balancer, one per service: {@code LoadBalancer::roundRobin} (the default), ... */
        public Builder balancer(Supplier<LoadBalancer> balancer) {
            this.balancer = Objects.requireNonNull(balancer, "balancer");
            return this;
        }

        /**
         * Prefers instances whose metadata {@code zone} is {@code zone} while one of them is healthy (UP, not
         * ejected), falling back to the other zones otherwise.
         */
        public Builder localZone(String zone) {
            this.localZone = Objects.requireNonNull(zone, "zone");
            return this;
        }

        /** Fraction 0..1 of healthy candidates below which all candidates are used (default 0.5; 0 = never). */
        public Builder panicThreshold(double fraction) {
            if (!(fraction >= 0 && fraction <= 1)) {
                throw new IllegalArgumentException("panic threshold must be 0..1, but was " + fraction);
            }
            this.panicThreshold = fraction;
            return this;
        }

        /**
         * Outlier ejection: after {@code consecutiveFailures} failed calls an instance is ejected for
         * {@code baseEjection}, doubling on each repeat up to {@code maxEjection}; at most {@code maxEjectedFraction}
         * of the instances are ejected at once. Defaults: 5, 30 s, 5 min, 0.5.
         */
        public Builder outlierEjection(int consecutiveFailures, Duration baseEjection, Duration maxEjection,
                                       double maxEjectedFraction) {
            if (consecutiveFailures < 1) {
                throw new IllegalArgumentException("consecutive failures must be at least 1, but was "
                        + consecutiveFailures);
            }
            if (baseEjection == null || baseEjection.isNegative() || baseEjection.isZero()
                    || maxEjection == null || maxEjection.compareTo(baseEjection) < 0) {
                throw new IllegalArgumentException("ejection times must satisfy 0 < base <= max, but were "
                        + baseEjection + " and " + maxEjection);
            }
            if (!(maxEjectedFraction >= 0 && maxEjectedFraction <= 1)) {
                throw new IllegalArgumentException("max ejected fraction must be 0..1, but was " + maxEjectedFraction);
            }
            this.ejectAfterFailures = consecutiveFailures;
            this.baseEjection = baseEjection;
            this.maxEjection = maxEjection;
            this.maxEjectedFraction = maxEjectedFraction;
            return this;
        }

        /** Ramps the weight of a newly UP instance from 10 % to 100 % over {@code window} (default 0: off). */
        public Builder slowStart(Duration window) {
            if (window == null || window.isNegative()) {
                throw new IllegalArgumentException("slow start window must be zero or positive, but was " + window);
            }
            this.slowStart = window;
            return this;
        }

        /** How often every known service is re-read besides its events (default 30 s, at least 100 ms). */
        public Builder refreshInterval(Duration interval) {
            if (interval == null || interval.compareTo(Duration.ofMillis(100)) < 0) {
                throw new IllegalArgumentException("refresh interval must be at least 100ms, but was " + interval);
            }
            this.refreshInterval = interval;
            return this;
        }

        /** Keeps each service's last snapshot in {@code directory}, used when starting while the registry is down. */
        public Builder failoverCache(Path directory) {
            this.failoverCache = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /** The clock for ejections and slow start (tests). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Builds and starts the client (one daemon thread). */
        public DiscoveryClient build() {
            if (balancer == null) {
                balancer = LoadBalancer::roundRobin;
            }
            return new DiscoveryClient(this);
        }
    }
}
