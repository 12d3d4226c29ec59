package dev.beacon.registry.eureka;

import dev.beacon.Maintenance;
import dev.beacon.RegistryUnavailableException;
import dev.beacon.ServiceInstance;
import dev.beacon.Status;
import dev.beacon.registry.Lease;
import dev.beacon.registry.MaintenanceRequest;
import dev.beacon.registry.RegistryEvent;
import dev.beacon.registry.ServiceRegistry;
import dev.beacon.registry.Subscription;
import dev.beacon.registry.Ttl;
import dev.beacon.registry.eureka.internal.EurekaHttp;
import dev.beacon.registry.eureka.internal.EurekaHttp.Response;
import dev.beacon.registry.eureka.internal.EurekaJson;
import dev.beacon.registry.eureka.internal.EurekaJson.Entry;
import dev.beacon.registry.eureka.internal.EurekaRegistryUri;
import dev.beacon.registry.eureka.internal.EurekaWatches;
import dev.beacon.registry.spi.InstanceCodec.InvalidEntryException;
import dev.beacon.support.WarnOnce;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A registry on a Netflix Eureka server (or several, with fail-over), through Eureka's REST API, so that Eureka's
 * clients (Spring Cloud Netflix's {@code DiscoveryClient}, Eureka's own) and Beacon see each other's instances. URI:
 * {@code eureka://[user:password@]host[:port][,host[:port]…][/context-path][?poll=1s&timeout=5s&tls=false]} (port
 * 8761, context path {@code /eureka}).
 *
 * <p><b>Layout.</b> A service is the Eureka app of its name in upper case (Eureka upper-cases app names; Beacon's name
 * is kept in the metadata); an instance is a Eureka instance with its id as {@code instanceId}, its host as
 * {@code hostName} and {@code ipAddr}, its status mapped (STARTING, UP, DOWN as they are; DRAINING and MAINTENANCE
 * are OUT_OF_SERVICE), its metadata in Eureka's metadata map as it is, and Beacon's own fields there too under
 * {@code beacon.} keys ({@link EurekaJson} lists them). A maintenance record is an instance of the app
 * {@code BEACON-MAINTENANCE} (id {@code service~id}, OUT_OF_SERVICE, a year's lease), so that it outlives the
 * instance's own registration, and the instance in maintenance gets Eureka's status override OUT_OF_SERVICE.
 *
 * <p><b>Leases.</b> {@code register} sends the ttl as Eureka's {@code leaseInfo.durationInSecs} (rounded up to whole
 * seconds) and a third of it as {@code renewalIntervalInSecs}; {@code renew} is Eureka's heartbeat
 * ({@code PUT /apps/APP/id}); {@code deregister} is Eureka's cancel. Beacon's readers drop an instance whose last
 * renewal, on the server's clock, is older than its ttl: clocks must agree within a fraction of the ttl. The server
 * itself evicts it later: Eureka's eviction timer runs every {@code eviction-interval-timer-in-ms} (60 s by default)
 * and drops a lease two durations after its last renewal (Eureka adds the duration twice), so Eureka's own clients see
 * a crashed instance for that long.
 *
 * <p><b>Reads</b> go through {@code GET /apps/APP} and {@code GET /apps}, which Eureka serves from its response cache:
 * with {@code eureka.server.use-read-only-response-cache=true} (the default) a write is seen by readers only after the
 * next cache update ({@code response-cache-update-interval-ms}, 30 s by default); set it false to see writes at once
 * (the tests do). An instance the cached answer shows past its lease is read again directly
 * ({@code GET /apps/APP/id}, never cached), because the cache does not see renewals.
 *
 * <p><b>Watches</b> poll: Eureka has no push. Every {@code poll} (1 s by default) each watched service is read and
 * the difference with the last read is published: new ids REGISTERED, changed ones UPDATED, ids gone before their
 * lease's end DEREGISTERED, at or after it EXPIRED. New services are not reported ({@link #watchServices} throws).
 *
 * <p><b>Security.</b> {@code user:password} in the URI is sent as HTTP basic authentication (Spring Security's usual
 * protection of a Eureka server) and masked in every message and {@link #toString()}; {@code tls=true} uses https.
 *
 * <p>Thread-safe. Constructing it does no I/O; the HTTP client is created on first use, with its daemon threads, and
 * the watch thread with the first watch. {@link #close()} cancels nothing: the instances expire (the contract's
 * rule), unless deregistered.
 */
public final class EurekaServiceRegistry implements ServiceRegistry {

    private static final Logger log = LoggerFactory.getLogger(EurekaServiceRegistry.class);

    private final EurekaRegistryUri uri;
    private final Clock clock;
    private final WarnOnce invalidEntries = new WarnOnce(log);
    private final AtomicLong lastDirty = new AtomicLong();
    /** Instances this handle gave Eureka's OUT_OF_SERVICE override for DRAINING, to lift it when they leave it. */
    private final Set<String> drainingOverrides = ConcurrentHashMap.newKeySet();
    private volatile EurekaHttp http;
    private volatile EurekaWatches watches;
    private volatile boolean closed;

    private EurekaServiceRegistry(EurekaRegistryUri uri, Clock clock) {
        this.uri = uri;
        this.clock = clock;
    }

    /**
     * Opens the registry named by {@code uri}; connects on first use.
     *
     * @throws IllegalArgumentException naming the URI (password masked) and what is wrong with it
     */
    public static EurekaServiceRegistry open(String uri) {
        return new EurekaServiceRegistry(EurekaRegistryUri.parse(uri), Clock.systemUTC());
    }

    private static String instancePath(String service, String id) {
        return "/apps/" + EurekaJson.app(service) + "/" + id;
    }

    /** A lastDirtyTimestamp later than this handle's previous one: Eureka keeps the newer of two registrations. */
    private long dirty() {
        long now = clock.millis();
        return lastDirty.updateAndGet(last -> Math.max(now, last + 1));
    }

    @Override
    public void register(ServiceInstance instance, Duration ttl) {
        Objects.requireNonNull(instance, "instance");
        Ttl.check(ttl);
        ServiceRegistry.checkRegistrable(instance);
        String what = "register " + instance.service() + "/" + instance.id();
        Duration renewal = ttl.dividedBy(3);
        Response response = http().send("POST", "/apps/" + EurekaJson.app(instance.service()),
                EurekaJson.registration(instance, ttl, renewal, dirty()), what);
        check(response, what);
        String key = instance.service() + "/" + instance.id();
        boolean draining = instance.status() == Status.DRAINING;
        if (draining || drainingOverrides.contains(key)) {
            // Eureka keeps an UP instance UP when it is registered again OUT_OF_SERVICE: only its override moves it
            if (draining || maintenance(instance.service(), instance.id()).isEmpty()) {
                setOverride(instance.service(), instance.id(), draining ? "OUT_OF_SERVICE" : null,
                        EurekaJson.eurekaStatus(instance.status()));
            }
            if (draining) {
                drainingOverrides.add(key);
            } else {
                drainingOverrides.remove(key);
            }
        }
    }

    /** Sets Eureka's status override ({@code value}), or lifts it ({@code null}) leaving {@code status}. */
    private void setOverride(String service, String id, String value, String status) {
        String path = instancePath(service, id) + "/status?value=" + (value != null ? value : status);
        http().send(value != null ? "PUT" : "DELETE", path, null, "set the status of " + service + "/" + id);
    }

    @Override
    public boolean renew(String service, String id) {
        checkNames(service, id);
        Optional<Entry> entry = read(service, id);
        if (entry.isEmpty() || !live(entry.get(), clock.millis())) {
            return false;
        }
        Response response = http().send("PUT", instancePath(service, id), null, "renew " + service + "/" + id);
        if (response.status() == 404) {
            return false;
        }
        check(response, "renew " + service + "/" + id);
        return true;
    }

    @Override
    public boolean deregister(String service, String id) {
        checkNames(service, id);
        Optional<Entry> entry = read(service, id);
        if (entry.isEmpty()) {
            return false;
        }
        Response response = http().send("DELETE", instancePath(service, id), null,
                "deregister " + service + "/" + id);
        if (response.status() == 404) {
            return false;
        }
        check(response, "deregister " + service + "/" + id);
        drainingOverrides.remove(service + "/" + id);
        return live(entry.get(), clock.millis());
    }

    /** One instance, read directly (Eureka does not cache this one). */
    private Optional<Entry> read(String service, String id) {
        Response response = http().send("GET", instancePath(service, id), null, "read " + service + "/" + id);
        if (response.status() == 404) {
            return Optional.empty();
        }
        check(response, "read " + service + "/" + id);
        try {
            return EurekaJson.entries(response.body()).stream().findFirst();
        } catch (InvalidEntryException e) {
            throw new RegistryUnavailableException("Eureka registry " + uri + " answered the read of " + service + "/"
                    + id + " with what is not Eureka's JSON: " + e.getMessage(), e);
        }
    }

    private static boolean live(Entry entry, long now) {
        return entry.renewedAt() + entry.ttlMillis() > now && !"DELETED".equals(entry.eurekaStatus());
    }

    /** One cached read of the app ({@code GET /apps/APP}) and of the maintenance records. */
    @Override
    public List<ServiceInstance> instances(String service) {
        return readLeases(service, false).stream().map(Lease::instance).toList();
    }

    /**
     * As {@link #instances}, plus a direct read of each instance ({@code GET /apps/APP/id}): Eureka's response cache
     * does not see renewals, so only these tell the last one.
     */
    @Override
    public List<Lease> leases(String service) {
        return readLeases(service, true);
    }

    /** The leases, with their renewal times exact ({@code exact}) or as the response cache has them. */
    private List<Lease> readLeases(String service, boolean exact) {
        ServiceInstance.checkServiceName(service);
        long readAt = System.nanoTime();
        List<Lease> leases = readLeasesOnce(service, exact);
        EurekaWatches current = watches;
        if (current != null) {
            current.observed(service, leases, readAt); // what a read saw, its watchers hear of (EurekaWatches)
        }
        return leases;
    }

    private List<Lease> readLeasesOnce(String service, boolean exact) {
        Response response = http().send("GET", "/apps/" + EurekaJson.app(service), null, "read " + service);
        if (response.status() == 404) {
            return List.of();
        }
        check(response, "read " + service);
        long now = clock.millis();
        List<Entry> entries = parse(response, "read " + service);
        Map<String, Maintenance> maintenance = maintenanceInForce(now);
        return leasesOf(service, entries, maintenance, now, exact);
    }

    private List<Lease> leasesOf(String service, List<Entry> entries, Map<String, Maintenance> maintenance, long now,
                                 boolean exact) {
        List<Lease> leases = new ArrayList<>();
        for (Entry entry : entries) {
            if (entry.isMaintenanceRecord() || !entry.service().equals(service)) {
                continue;
            }
            if (exact || !live(entry, now)) {
                // the cached answer may predate a renewal: read this one directly
                Optional<Entry> fresh = read(service, entry.id());
                if (fresh.isEmpty() || !live(fresh.get(), now)) {
                    continue;
                }
                entry = fresh.get();
            }
            lease(entry, maintenance.get(service + "/" + entry.id())).ifPresent(leases::add);
        }
        leases.sort(Comparator.comparing(lease -> lease.instance().id()));
        return List.copyOf(leases);
    }

    private Optional<Lease> lease(Entry entry, Maintenance maintenance) {
        ServiceInstance instance;
        try {
            instance = entry.instance();
        } catch (InvalidEntryException e) {
            invalidEntries.warn(entry.app() + "/" + entry.id() + " " + e.getMessage(),
                    "skipping Eureka instance {}/{} in {}: {}", entry.app(), entry.id(), uri, e.getMessage());
            return Optional.empty();
        }
        if (maintenance != null) {
            instance = instance.inMaintenance(maintenance);
        }
        long renewed = entry.renewedAt();
        return Optional.of(new Lease(instance, Instant.ofEpochMilli(renewed),
                Instant.ofEpochMilli(renewed + entry.ttlMillis())));
    }

    private List<Entry> parse(Response response, String what) {
        try {
            return EurekaJson.entries(response.body());
        } catch (InvalidEntryException e) {
            throw new RegistryUnavailableException("Eureka registry " + uri + " answered the request to " + what
                    + " with what is not Eureka's JSON: " + e.getMessage(), e);
        }
    }

    /** One cached read of every app ({@code GET /apps}). */
    @Override
    public Set<String> services() {
        return Collections.unmodifiableSet(new TreeSet<>(readAll(false).keySet()));
    }

    /** One cached read of every app ({@code GET /apps}). */
    @Override
    public Map<String, List<ServiceInstance>> snapshot() {
        Map<String, List<ServiceInstance>> all = new TreeMap<>();
        readAll(false).forEach((service, leases) -> all.put(service, leases.stream().map(Lease::instance).toList()));
        return Collections.unmodifiableMap(all);
    }

    /** A read of every app ({@code GET /apps}), and of each instance, as {@link #leases}. */
    @Override
    public Map<String, List<Lease>> leaseSnapshot() {
        return readAll(true);
    }

    private Map<String, List<Lease>> readAll(boolean exact) {
        Response response = http().send("GET", "/apps", null, "list services");
        check(response, "list services");
        long now = clock.millis();
        Map<String, List<Entry>> byService = new TreeMap<>();
        Map<String, Maintenance> maintenance = new HashMap<>();
        for (Entry entry : parse(response, "list services")) {
            if (entry.isMaintenanceRecord()) {
                entry.maintenance().filter(m -> m.inForceAt(Instant.ofEpochMilli(now)))
                        .ifPresent(m -> maintenance.put(entry.recordOf(), m));
            } else if (validService(entry.service())) {
                byService.computeIfAbsent(entry.service(), s -> new ArrayList<>()).add(entry);
            }
        }
        Map<String, List<Lease>> all = new TreeMap<>();
        byService.forEach((service, entries) -> {
            List<Lease> leases = leasesOf(service, entries, maintenance, now, exact);
            if (!leases.isEmpty()) {
                all.put(service, leases);
            }
        });
        return Collections.unmodifiableMap(all);
    }

    private static boolean validService(String name) {
        try {
            ServiceInstance.checkServiceName(name);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    // ---- maintenance

    /** The maintenance records in force, by {@code service/id}. */
    private Map<String, Maintenance> maintenanceInForce(long now) {
        Response response = http().send("GET", "/apps/" + EurekaJson.MAINTENANCE_APP, null, "read maintenance");
        if (response.status() == 404) {
            return Map.of();
        }
        check(response, "read maintenance");
        Map<String, Maintenance> inForce = new HashMap<>();
        for (Entry entry : parse(response, "read maintenance")) {
            if (entry.isMaintenanceRecord()) {
                entry.maintenance().filter(m -> m.inForceAt(Instant.ofEpochMilli(now)))
                        .ifPresent(m -> inForce.put(entry.recordOf(), m));
            }
        }
        return inForce;
    }

    private String recordPath(String service, String id) {
        return "/apps/" + EurekaJson.MAINTENANCE_APP + "/" + EurekaJson.recordId(service, id);
    }

    @Override
    public Optional<Maintenance> startMaintenance(String service, String id, MaintenanceRequest request) {
        checkNames(service, id);
        Objects.requireNonNull(request, "request");
        Optional<Entry> entry = read(service, id);
        long now = clock.millis();
        if (entry.isEmpty() || !live(entry.get(), now)) {
            return Optional.empty();
        }
        Maintenance m = request.recordAt(Instant.ofEpochMilli(now), maintenance(service, id));
        String what = "start the maintenance of " + service + "/" + id;
        check(http().send("POST", "/apps/" + EurekaJson.MAINTENANCE_APP,
                EurekaJson.maintenanceRecord(service, id, m, dirty()), what), what);
        setOverride(service, id, "OUT_OF_SERVICE", null);
        return Optional.of(m);
    }

    @Override
    public boolean endMaintenance(String service, String id) {
        checkNames(service, id);
        Optional<Maintenance> current = maintenance(service, id);
        String what = "end the maintenance of " + service + "/" + id;
        Response response = http().send("DELETE", recordPath(service, id), null, what);
        if (response.status() != 404) {
            check(response, what);
        }
        if (current.isPresent()) {
            Optional<Entry> entry = read(service, id);
            if (entry.isPresent()) {
                ServiceInstance registered;
                try {
                    registered = entry.get().instance();
                } catch (InvalidEntryException e) {
                    return true;
                }
                if (registered.status() == Status.DRAINING) {
                    return true; // its own OUT_OF_SERVICE stays
                }
                setOverride(service, id, null, EurekaJson.eurekaStatus(registered.status()));
            }
        }
        return current.isPresent();
    }

    @Override
    public Optional<Maintenance> maintenance(String service, String id) {
        checkNames(service, id);
        String what = "read the maintenance of " + service + "/" + id;
        Response response = http().send("GET", recordPath(service, id), null, what);
        if (response.status() == 404) {
            return Optional.empty();
        }
        check(response, what);
        long now = clock.millis();
        return parse(response, what).stream().filter(Entry::isMaintenanceRecord).findFirst()
                .flatMap(Entry::maintenance).filter(m -> m.inForceAt(Instant.ofEpochMilli(now)));
    }

    // ---- watches

    @Override
    public Subscription watch(String service, Consumer<RegistryEvent> listener) {
        ServiceInstance.checkServiceName(service);
        Objects.requireNonNull(listener, "listener");
        return watches().watch(service, listener);
    }

    private EurekaWatches watches() {
        checkOpen();
        EurekaWatches current = watches;
        if (current == null) {
            synchronized (this) {
                checkOpen();
                if (watches == null) {
                    watches = new EurekaWatches(uri.poll(), clock, service -> readLeases(service, false));
                }
                current = watches;
            }
        }
        return current;
    }

    // ---- plumbing

    private EurekaHttp http() {
        checkOpen();
        EurekaHttp current = http;
        if (current == null) {
            synchronized (this) {
                checkOpen();
                if (http == null) {
                    http = new EurekaHttp(uri);
                }
                current = http;
            }
        }
        return current;
    }

    private void check(Response response, String what) {
        if (!response.ok()) {
            throw new RegistryUnavailableException("Eureka registry " + uri + " failed to " + what + ": HTTP "
                    + response.status(), null);
        }
    }

    private static void checkNames(String service, String id) {
        ServiceInstance.checkServiceName(service);
        ServiceInstance.checkInstanceId(id);
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("Eureka registry " + uri + " is closed");
        }
    }

    /** Stops the watches and the HTTP client's threads; the instances stay until their leases end. Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        EurekaWatches w = watches;
        if (w != null) {
            w.close();
        }
        EurekaHttp h = http;
        if (h != null) {
            h.close();
        }
    }

    @Override
    public String toString() {
        return "EurekaServiceRegistry[" + uri + "]";
    }
}
