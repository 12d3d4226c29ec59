package dev.beacon.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beacon.RegistryUnavailableException;
import dev.beacon.ServiceInstance;
import dev.beacon.registry.spi.InstanceCodec;
import dev.beacon.registry.spi.InstanceCodec.InvalidEntryException;
import dev.beacon.registry.spi.WatchHub;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The zero-setup registry for one machine ({@code file:} or {@code file:/some/dir}), in the spirit of the JVM's
 * {@code hsperfdata} directory that {@code jps} reads.
 *
 * <p>Layout: one JSON file per instance, {@code <service>@<id>.json}, holding the instance and its lease deadline
 * (epoch milliseconds of this machine's clock, which every process on the machine shares). Files are written to a
 * temporary file and moved into place atomically, so readers see a whole entry or none. Readers skip expired,
 * half-written or corrupt entries (one warning per bad file) and delete entries that expired more than
 * {@value #REAP_GRACE_MILLIS} ms ago, and temporary files left by writers that died.
 *
 * <p>The default directory is {@code $XDG_RUNTIME_DIR/beacon} when that variable names a directory, else
 * {@code ${java.io.tmpdir}/beacon-${user.name}}. The directory is created private to the user (0700, files 0600);
 * an existing directory that belongs to another user or that others may write is refused, and so is a symbolic link
 * to a directory when the link belongs to another user.
 *
 * <p>Thread-safe, and safe with many processes registering, renewing and reading at once. Reads are current (they
 * read the directory); watch events are found by polling the watched services every {@code pollInterval} (200 ms by
 * default), so they arrive at most that late.
 */
public final class FileServiceRegistry implements ServiceRegistry {

    private static final Logger log = LoggerFactory.getLogger(FileServiceRegistry.class);

    static final long REAP_GRACE_MILLIS = 5_000;
    private static final long STALE_TEMP_MILLIS = 60_000;
    private static final String SUFFIX = ".json";
    private static final int MAX_ENTRY_BYTES = 256 * 1024;
    private static final int LOCK_STRIPES = 64;

    private final Path directory;
    private final Clock clock;
    private final Duration pollInterval;
    private final Object[] locks = new Object[LOCK_STRIPES];
    private final Set<String> warned = ConcurrentHashMap.newKeySet();
    private final WatchHub hub = new WatchHub("beacon-file-registry-events");
    private final Map<String, Map<String, Entry>> lastSeen = new ConcurrentHashMap<>();
    /** Orders a poll against a {@link #watch} that resets what was last seen. */
    private final Object watchLock = new Object();
    private volatile boolean directoryChecked;
    private volatile ScheduledExecutorService poller;
    private volatile boolean closed;

    /** A stored instance with its lease. */
    private record Entry(ServiceInstance instance, long expiresAt, long ttlMillis) {
    }

    /** A registry in {@link #defaultDirectory()}, on the system clock. */
    public FileServiceRegistry() {
        this(defaultDirectory());
    }

    public FileServiceRegistry(Path directory) {
        this(directory, Clock.systemUTC(), Duration.ofMillis(200));
    }

    /** Does no I/O: the directory is created and checked on first use. */
    public FileServiceRegistry(Path directory, Clock clock, Duration pollInterval) {
        this.directory = Objects.requireNonNull(directory, "directory").toAbsolutePath().normalize();
        this.clock = Objects.requireNonNull(clock, "clock");
        this.pollInterval = Objects.requireNonNull(pollInterval, "pollInterval");
        for (int i = 0; i < LOCK_STRIPES; i++) {
            locks[i] = new Object();
        }
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
        checkOpen();
        synchronized (lockFor(instance.service(), instance.id())) {
            write(instance, ttl.toMillis());
        }
    }

    @Override
    public boolean renew(String service, String id) {
        Path file = fileFor(service, id);
        checkOpen();
        synchronized (lockFor(service, id)) {
            Entry entry = read(file);
            if (entry == null || entry.expiresAt() <= clock.millis()) {
                return false;
            }
            write(entry.instance(), entry.ttlMillis());
            return true;
        }
    }

    @Override
    public boolean deregister(String service, String id) {
        Path file = fileFor(service, id);
        checkOpen();
        synchronized (lockFor(service, id)) {
            Entry entry = read(file);
            try {
                boolean deleted = Files.deleteIfExists(file);
                return deleted && entry != null && entry.expiresAt() > clock.millis();
            } catch (IOException e) {
                throw unavailable("deregister " + service + "/" + id, e);
            }
        }
    }

    @Override
    public List<ServiceInstance> instances(String service) {
        ServiceInstance.checkServiceName(service);
        checkOpen();
        List<ServiceInstance> live = new ArrayList<>();
        for (Entry entry : readService(service).values()) {
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
        for (Entry entry : readService(service).values()) {
            live.add(new Lease(entry.instance(), java.time.Instant.ofEpochMilli(entry.expiresAt() - entry.ttlMillis()),
                    java.time.Instant.ofEpochMilli(entry.expiresAt())));
        }
        live.sort(Comparator.comparing(l -> l.instance().id()));
        return List.copyOf(live);
    }

    @Override
    public Set<String> services() {
        checkOpen();
        Set<String> names = new TreeSet<>();
        long now = clock.millis();
        for (Path file : list("*" + SUFFIX)) {
            String service = serviceOf(file);
            if (service != null && !names.contains(service)) {
                Entry entry = readLive(file, now);
                if (entry != null) {
                    names.add(service);
                }
            }
        }
        return Collections.unmodifiableSet(names);
    }

    @Override
    public Subscription watch(String service, Consumer<RegistryEvent> listener) {
        ServiceInstance.checkServiceName(service);
        Objects.requireNonNull(listener, "listener");
        checkOpen();
        Subscription subscription;
        synchronized (watchLock) {
            // While nobody watched, nothing kept lastSeen current: start from what is there now, or the new listener
            // would be told of changes made before it subscribed.
            if (!hub.hasListeners(service)) {
                lastSeen.put(service, readService(service));
            }
            subscription = hub.add(service, listener);
        }
        startPoller();
        return subscription;
    }

    /** Compares the watched services with what was seen last and publishes the differences. */
    void poll() {
        for (String service : hub.watchedServices()) {
            synchronized (watchLock) {
                poll(service);
            }
        }
    }

    private void poll(String service) {
        Map<String, Entry> before = lastSeen.getOrDefault(service, Map.of());
        Map<String, Entry> now = readService(service);
        long nowMillis = clock.millis();
        now.forEach((id, entry) -> {
            Entry old = before.get(id);
            if (old == null) {
                hub.publish(new RegistryEvent(RegistryEvent.Type.REGISTERED, entry.instance()));
            } else if (!old.instance().equals(entry.instance())) {
                hub.publish(new RegistryEvent(RegistryEvent.Type.UPDATED, entry.instance()));
            }
        });
        before.forEach((id, old) -> {
            if (!now.containsKey(id)) {
                // Gone and past its deadline (or about to be): it expired; gone earlier: its owner removed it.
                boolean expired = old.expiresAt() <= nowMillis + pollInterval.toMillis();
                hub.publish(new RegistryEvent(
                        expired ? RegistryEvent.Type.EXPIRED : RegistryEvent.Type.DEREGISTERED, old.instance()));
            }
        });
        lastSeen.put(service, now);
    }

    private void startPoller() {
        if (poller == null) {
            synchronized (this) {
                if (poller == null && !closed) {
                    ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
                        Thread thread = new Thread(runnable, "beacon-file-registry-watch");
                        thread.setDaemon(true);
                        return thread;
                    });
                    long period = Math.max(10, pollInterval.toMillis());
                    executor.scheduleWithFixedDelay(() -> {
                        try {
                            poll();
                        } catch (RuntimeException e) {
                            log.warn("watching {} failed; retrying in {} ms", directory, period, e);
                        }
                    }, period, period, TimeUnit.MILLISECONDS);
                    poller = executor;
                }
            }
        }
    }

    private Map<String, Entry> readService(String service) {
        Map<String, Entry> live = new LinkedHashMap<>();
        long now = clock.millis();
        for (Path file : list(service + "@*" + SUFFIX)) {
            Entry entry = readLive(file, now);
            if (entry != null && entry.instance().service().equals(service)) {
                live.put(entry.instance().id(), entry);
            }
        }
        return live;
    }

    /** Reads an entry; returns null when it is missing, invalid or expired (and reaps it when long expired). */
    private Entry readLive(Path file, long now) {
        Entry entry = read(file);
        if (entry == null) {
            return null;
        }
        if (entry.expiresAt() > now) {
            return entry;
        }
        if (entry.expiresAt() + REAP_GRACE_MILLIS < now) {
            reap(file, entry);
        }
        return null;
    }

    private void reap(Path file, Entry expired) {
        synchronized (lockFor(expired.instance().service(), expired.instance().id())) {
            try {
                // Re-read under the lock: a renewal by this process may have just rewritten it.
                Entry current = read(file);
                if (current != null && current.expiresAt() + REAP_GRACE_MILLIS < clock.millis()) {
                    Files.deleteIfExists(file);
                    log.debug("reaped expired {}", file.getFileName());
                }
            } catch (IOException e) {
                log.debug("could not reap {}: {}", file, e.toString());
            }
        }
    }

    private Entry read(Path file) {
        byte[] bytes;
        try {
            if (Files.size(file) > MAX_ENTRY_BYTES) {
                warnOnce(file, "larger than " + MAX_ENTRY_BYTES + " bytes");
                return null;
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            warnOnce(file, e.toString());
            return null;
        }
        try {
            JsonNode node = InstanceCodec.parse(bytes);
            ServiceInstance instance = InstanceCodec.fromJson(node);
            long expiresAt = InstanceCodec.longValue(node, "expiresAt");
            long ttl = InstanceCodec.longValue(node, "ttlMillis");
            String expectedName = instance.service() + "@" + instance.id() + SUFFIX;
            if (!expectedName.equals(file.getFileName().toString())) {
                throw new InvalidEntryException("holds " + instance.service() + "/" + instance.id()
                        + " but is named " + file.getFileName());
            }
            return new Entry(instance, expiresAt, ttl);
        } catch (InvalidEntryException e) {
            warnOnce(file, e.getMessage());
            return null;
        }
    }

    private void warnOnce(Path file, String problem) {
        String key = file.getFileName().toString() + "|" + lastModified(file);
        if (warned.size() < 10_000 && warned.add(key)) {
            log.warn("skipping registry entry {}: {}", file, problem);
        }
    }

    private static String lastModified(Path file) {
        try {
            FileTime time = Files.getLastModifiedTime(file);
            return time.toString();
        } catch (IOException e) {
            return "?";
        }
    }

    private void write(ServiceInstance instance, long ttlMillis) {
        long now = clock.millis();
        ObjectNode node = InstanceCodec.toJson(instance);
        node.put("ttlMillis", ttlMillis);
        node.put("expiresAt", now + ttlMillis);
        node.put("renewedAt", now);
        node.put("pid", ProcessHandle.current().pid());
        byte[] bytes = InstanceCodec.toBytes(node);
        Path target = fileFor(instance.service(), instance.id());
        ensureDirectory();
        Path temp = directory.resolve("." + target.getFileName() + "."
                + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
        try {
            createPrivateFile(temp);
            Files.write(temp, bytes);
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // the temp file is reaped later by readers
            }
            throw unavailable("write " + instance.service() + "/" + instance.id(), e);
        }
    }

    private static void createPrivateFile(Path file) throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        }
    }

    private void ensureDirectory() {
        if (directoryChecked) {
            return;
        }
        synchronized (this) {
            if (directoryChecked) {
                return;
            }
            try {
                if (!Files.isDirectory(directory)) {
                    try {
                        Files.createDirectories(directory,
                                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                    } catch (UnsupportedOperationException e) {
                        Files.createDirectories(directory);
                    } catch (FileAlreadyExistsException e) {
                        // created by another process meanwhile
                    }
                }
                checkPrivate(directory);
            } catch (IOException e) {
                throw unavailable("create directory", e);
            }
            directoryChecked = true;
        }
    }

    private static void checkPrivate(Path dir) throws IOException {
        Set<PosixFilePermission> permissions;
        try {
            permissions = Files.getPosixFilePermissions(dir);
        } catch (UnsupportedOperationException e) {
            return;
        }
        if (permissions.contains(PosixFilePermission.GROUP_WRITE)
                || permissions.contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new IllegalStateException("registry directory " + dir + " is writable by other users ("
                    + PosixFilePermissions.toString(permissions) + "); make it private with: chmod 700 " + dir);
        }
        try {
            Object owner = Files.getAttribute(dir, "unix:uid");
            Object self = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            if (!owner.equals(self)) {
                throw new IllegalStateException("registry directory " + dir + " belongs to uid " + owner
                        + ", not to this user (uid " + self + "); use a directory of your own: file:/some/dir");
            }
            // A link someone else planted (in a shared /tmp) would steer this user's files into a directory of
            // theirs choosing: the link itself must be this user's too.
            if (Files.isSymbolicLink(dir)) {
                Object linkOwner = Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
                if (!linkOwner.equals(self)) {
                    throw new IllegalStateException("registry directory " + dir + " is a symbolic link that belongs "
                            + "to uid " + linkOwner + ", not to this user (uid " + self + "); remove it or use a "
                            + "directory of your own: file:/some/dir");
                }
            }
        } catch (UnsupportedOperationException | IllegalArgumentException | NoSuchFileException e) {
            // not Linux: no uid check
        }
    }

    private List<Path> list(String glob) {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        ensureDirectory();
        List<Path> files = new ArrayList<>();
        long now = clock.millis();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory, glob)) {
            for (Path file : stream) {
                files.add(file);
            }
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException | UncheckedIOException e) {
            throw unavailable("list", e instanceof UncheckedIOException u ? u.getCause() : e);
        }
        if (glob.startsWith("*")) {
            reapStaleTempFiles(now);
        }
        return files;
    }

    private void reapStaleTempFiles(long now) {
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory, ".*.tmp")) {
            for (Path temp : stream) {
                try {
                    if (Files.getLastModifiedTime(temp).toMillis() + STALE_TEMP_MILLIS < now) {
                        Files.deleteIfExists(temp);
                    }
                } catch (IOException ignored) {
                    // another reader reaped it first
                }
            }
        } catch (IOException | UncheckedIOException e) {
            log.debug("could not clean temporary files in {}: {}", directory, e.toString());
        }
    }

    private static String serviceOf(Path file) {
        String name = file.getFileName().toString();
        int at = name.indexOf('@');
        return at > 0 && name.endsWith(SUFFIX) ? name.substring(0, at) : null;
    }

    private Path fileFor(String service, String id) {
        ServiceInstance.checkServiceName(service);
        ServiceInstance.checkInstanceId(id);
        return directory.resolve(service + "@" + id + SUFFIX);
    }

    private Object lockFor(String service, String id) {
        return locks[Math.floorMod(31 * service.hashCode() + id.hashCode(), LOCK_STRIPES)];
    }

    private RegistryUnavailableException unavailable(String operation, Throwable cause) {
        return new RegistryUnavailableException("file registry " + directory + ": cannot " + operation + ": "
                + cause, cause);
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("registry " + this + " is closed");
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (poller != null) {
            poller.shutdownNow();
        }
        hub.close();
    }

    @Override
    public String toString() {
        return "file:" + directory;
    }

}
