package dev.beacon.registry;

import dev.beacon.Maintenance;
import dev.beacon.ServiceInstance;
import dev.beacon.registry.file.internal.DirectoryEvents;
import dev.beacon.registry.file.internal.Entry;
import dev.beacon.registry.file.internal.EntryFiles;
import dev.beacon.registry.file.internal.PrivateDirectory;
import dev.beacon.registry.file.internal.WatchLoop;
import dev.beacon.registry.file.internal.WatchedServices;
import dev.beacon.registry.spi.WatchHub;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The zero-setup registry for one machine ({@code file:} or {@code file:/some/dir}), in the spirit of the JVM's
 * {@code hsperfdata} directory that {@code jps} reads.
 *
 * <p>Layout: one JSON file per instance, {@code <service>@<id>.json}, holding the instance and its lease deadline
 * (epoch milliseconds of this machine's clock, which every process on the machine shares). Files are written to a
 * temporary file and moved into place atomically, so readers see a whole entry or none. Readers skip expired,
 * half-written or corrupt entries (one warning per bad file) and delete entries that expired more than
 * {@value #REAP_GRACE_MILLIS} ms ago, and temporary files left by writers that died. An operator's maintenance of an
 * instance is a file of its own, {@code <service>@<id>.maint} (reason, who, since, until), which registrations,
 * renewals and deregistrations of the id leave alone; it is deleted when lifted, or by a reader
 * {@value #REAP_GRACE_MILLIS} ms after its deadline.
 *
 * <p>The default directory is {@code $XDG_RUNTIME_DIR/beacon} when that variable names a directory, else
 * {@code ${java.io.tmpdir}/beacon-${user.name}}. The directory is created private to the user (0700, files 0600);
 * an existing directory that belongs to another user or that others may write is refused, and so is a symbolic link
 * to a directory when the link belongs to another user. A directory deleted while in use is created again by the
 * next write (and checked again).
 *
 * <p>Thread-safe, and safe with many processes registering, renewing and reading at once. Reads are current (they
 * read the directory). Watch events are pushed: the JDK's {@link java.nio.file.WatchService} (inotify on Linux)
 * reports every change to the directory and the changed entry is read again at once, so an event arrives within
 * milliseconds of the change; an expiry changes no file, so each lease (and each maintenance) is checked at its
 * deadline. The watched services are read again in full when events were lost, when the directory appears, is
 * deleted or replaced, and every few seconds as a safety net. Where the platform cannot push changes (no watch service, the user's inotify
 * watches used up, or the JDK's polling watch service, as on macOS) one line is logged and the watched services are
 * read every {@code pollInterval} (200 ms by default) instead. Events are differences between what the listeners were
 * told and what is read now, so listeners always end with the directory's current state; a change made and undone
 * before it could be read again (within about a millisecond) is not reported. The watch uses one thread
 * ({@code beacon-file-registry-watch}), one watch service (with the JDK's thread behind it) and the event delivery
 * thread, started by the first {@link #watch} or {@link #watchServices} and released by {@link #close}.
 */
public final class FileServiceRegistry implements ServiceRegistry {

    static final long REAP_GRACE_MILLIS = EntryFiles.REAP_GRACE_MILLIS;
    private static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(200);
    private static final long MIN_POLL_MILLIS = 10;

    private final Path directory;
    private final Clock clock;
    private final long pollMillis;
    private final DirectoryEvents.Source watchServices;
    private final PrivateDirectory privateDirectory;
    private final EntryFiles entries;
    private final WatchHub hub = new WatchHub("beacon-file-registry-events");
    private final WatchedServices watched;
    private WatchLoop watchLoop; // guarded by this
    private volatile boolean closed;

    /** A registry in {@link #defaultDirectory()}, on the system clock. */
    public FileServiceRegistry() {
        this(defaultDirectory());
    }

    public FileServiceRegistry(Path directory) {
        this(directory, Clock.systemUTC(), DEFAULT_POLL_INTERVAL);
    }

    /**
     * Does no I/O: the directory is created and checked on first use.
     *
     * @param clock        the clock of lease deadlines (every process on the directory must share it)
     * @param pollInterval how often watched services are read where the directory's changes cannot be pushed (at
     *                     least 10 ms)
     */
    public FileServiceRegistry(Path directory, Clock clock, Duration pollInterval) {
        this(directory, clock, pollInterval, DirectoryEvents.Source.platform());
    }

    /** For tests: {@code watchServices} opens the watch service (one that fails makes the registry poll). */
    FileServiceRegistry(Path directory, Clock clock, Duration pollInterval, DirectoryEvents.Source watchServices) {
        this.directory = Objects.requireNonNull(directory, "directory").toAbsolutePath().normalize();
        this.clock = Objects.requireNonNull(clock, "clock");
        this.pollMillis = Math.max(MIN_POLL_MILLIS, Objects.requireNonNull(pollInterval, "pollInterval").toMillis());
        this.watchServices = Objects.requireNonNull(watchServices, "watchServices");
        this.privateDirectory = new PrivateDirectory(this.directory);
        this.entries = new EntryFiles(privateDirectory, clock);
        this.watched = new WatchedServices(entries, clock, hub);
    }

    /** {@code $XDG_RUNTIME_DIR/beacon} if that variable names a directory, else {@code <tmpdir>/beacon-<user>}. */
    public static Path defaultDirectory() {
        String runtimeDir = System.getenv("XDG_RUNTIME_DIR");
        if (runtimeDir != null && !runtimeDir.isBlank() && Files.isDirectory(Path.of(runtimeDir))) {
            return Path.of(runtimeDir, "beacon");
        }
        String user = System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9._-]", "_");
        return Path.of(System.getProperty("java.io.tmpdir"), "beacon-" + user);
    }

    /** The directory this registry uses. */
    public Path directory() {
        return directory;
    }

    @Override
    public void register(ServiceInstance instance, Duration ttl) {
        Ttl.check(ttl);
        ServiceRegistry.checkRegistrable(instance);
        checkOpen();
        entries.register(instance, ttl.toMillis());
    }

    @Override
    public boolean renew(String service, String id) {
        entries.fileFor(service, id); // names are checked before the state
        checkOpen();
        return entries.renew(service, id);
    }

    @Override
    public boolean deregister(String service, String id) {
        entries.fileFor(service, id);
        checkOpen();
        return entries.deregister(service, id);
    }

    @Override
    public List<ServiceInstance> instances(String service) {
        ServiceInstance.checkServiceName(service);
        checkOpen();
        List<ServiceInstance> live = new ArrayList<>();
        for (Entry entry : entries.readService(service).values()) {
            live.add(entry.instance());
        }
        live.sort(Comparator.comparing(ServiceInstance::id));
        return List.copyOf(live);
    }

    @Override
    public List<Lease> leases(String service) {
        ServiceInstance.checkServiceName(service);
        checkOpen();
        List<Lease> live = new ArrayList<>();
        for (Entry entry : entries.readService(service).values()) {
            live.add(entry.lease());
        }
        live.sort(Comparator.comparing(lease -> lease.instance().id()));
        return List.copyOf(live);
    }

    /** Every service with its live instances, from one pass over the directory. */
    @Override
    public Map<String, List<ServiceInstance>> snapshot() {
        checkOpen();
        Map<String, List<ServiceInstance>> all = new LinkedHashMap<>();
        entries.readAll().forEach((service, byId) -> all.put(service, byId.values().stream().map(Entry::instance)
                .sorted(Comparator.comparing(ServiceInstance::id)).toList()));
        return all;
    }

    /** Every service with the leases of its live instances, from one pass over the directory. */
    @Override
    public Map<String, List<Lease>> leaseSnapshot() {
        checkOpen();
        Map<String, List<Lease>> all = new LinkedHashMap<>();
        entries.readAll().forEach((service, byId) -> all.put(service, byId.values().stream().map(Entry::lease)
                .sorted(Comparator.comparing(lease -> lease.instance().id())).toList()));
        return all;
    }

    @Override
    public Set<String> services() {
        checkOpen();
        return entries.services();
    }

    @Override
    public Optional<Maintenance> startMaintenance(String service, String id, MaintenanceRequest request) {
        entries.fileFor(service, id);
        Objects.requireNonNull(request, "request");
        checkOpen();
        return entries.startMaintenance(service, id, request);
    }

    @Override
    public boolean endMaintenance(String service, String id) {
        entries.fileFor(service, id);
        checkOpen();
        return entries.endMaintenance(service, id);
    }

    @Override
    public Optional<Maintenance> maintenance(String service, String id) {
        entries.fileFor(service, id);
        checkOpen();
        return entries.maintenance(service, id);
    }

    @Override
    public Subscription watch(String service, Consumer<RegistryEvent> listener) {
        ServiceInstance.checkServiceName(service);
        Objects.requireNonNull(listener, "listener");
        checkOpen();
        startWatching(); // before the first read of the service, so that no change falls between the two
        return watched.subscribe(service, listener);
    }

    /**
     * Calls {@code listener}, on the event delivery thread, with the service of every changed entry file of a
     * service nobody watches through this handle and of every new instance of a watched one, within milliseconds;
     * and with every unwatched service at each full read (every few seconds; where the directory's changes cannot be
     * pushed, every poll interval).
     */
    @Override
    public Subscription watchServices(Consumer<String> listener) {
        Objects.requireNonNull(listener, "listener");
        checkOpen();
        Subscription subscription = hub.addServiceListener(listener);
        startWatching();
        return subscription;
    }

    private synchronized void startWatching() {
        checkOpen();
        if (watchLoop == null) {
            watchLoop = WatchLoop.start(privateDirectory, watchServices, watched, clock, pollMillis);
        }
    }

    /** True once a watch started and while the directory's changes are pushed (for tests). */
    synchronized boolean pushing() {
        return watchLoop != null && watchLoop.pushing();
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("registry " + this + " is closed");
        }
    }

    /** Stops the watch (its thread and watch service) and the event delivery. Registrations stay. Idempotent. */
    @Override
    public void close() {
        WatchLoop loop;
        synchronized (this) {
            closed = true;
            loop = watchLoop;
        }
        if (loop != null) {
            loop.close();
        }
        hub.close();
    }

    @Override
    public String toString() {
        return "file:" + directory;
    }
}
