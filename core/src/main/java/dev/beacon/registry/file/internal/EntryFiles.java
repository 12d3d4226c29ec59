package dev.beacon.registry.file.internal;

import dev.beacon.Maintenance;
import dev.beacon.RegistryUnavailableException;
import dev.beacon.ServiceInstance;
import dev.beacon.registry.FileServiceRegistry;
import dev.beacon.registry.MaintenanceRequest;
import dev.beacon.registry.spi.InstanceCodec;
import dev.beacon.registry.spi.InstanceCodec.InvalidEntryException;
import dev.beacon.support.WarnOnce;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The entry files of one registry directory: one JSON file per instance, {@code <service>@<id>.json}, holding the
 * instance and its lease, and one per maintenance, {@code <service>@<id>.maint}, holding an operator's maintenance of
 * that id ({@link InstanceCodec#maintenanceToMap}), which outlives the entry. Writes go to a temporary file that is
 * then moved into place atomically, so a reader sees a whole entry or none. Reads skip missing, half-written,
 * oversized or invalid entries (one warning per bad file and version of it) and expired ones, show a live entry in
 * maintenance while its maintenance file holds one in force, and delete entries that expired (and maintenance files
 * that ended) more than {@value #REAP_GRACE_MILLIS} ms ago and temporary files left by writers that died.
 *
 * <p>Thread-safe. Register, renew, deregister and reap of one instance are serialized within this object (striped
 * locks), not across processes: each instance has one writer, its owner.
 */
public final class EntryFiles {

    private static final Logger log = LoggerFactory.getLogger(FileServiceRegistry.class);

    /** How long after its deadline an expired entry is left in place before a reader deletes it. */
    public static final long REAP_GRACE_MILLIS = 5_000;
    public static final String SUFFIX = ".json";
    public static final String MAINTENANCE_SUFFIX = ".maint";
    private static final long STALE_TEMP_MILLIS = 60_000;
    private static final int MAX_ENTRY_BYTES = 256 * 1024;
    private static final int LOCK_STRIPES = 64;
    private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    /** The service and id an entry file (or a maintenance file) is named for. */
    public record Name(String service, String id) {

        /**
         * The service and id of {@code fileName}, an entry's or a maintenance's, or null if it is neither (a
         * temporary file, say).
         */
        public static Name parse(String fileName) {
            String suffix = fileName.endsWith(SUFFIX) ? SUFFIX
                    : fileName.endsWith(MAINTENANCE_SUFFIX) ? MAINTENANCE_SUFFIX : null;
            if (suffix == null) {
                return null;
            }
            int at = fileName.indexOf('@');
            if (at <= 0) {
                return null;
            }
            String service = fileName.substring(0, at);
            String id = fileName.substring(at + 1, fileName.length() - suffix.length());
            try {
                ServiceInstance.checkServiceName(service);
                ServiceInstance.checkInstanceId(id);
            } catch (IllegalArgumentException e) {
                return null;
            }
            return new Name(service, id);
        }
    }

    private final PrivateDirectory directory;
    private final Clock clock;
    private final Object[] locks = new Object[LOCK_STRIPES];
    private final WarnOnce warnOnce = new WarnOnce(log);

    public EntryFiles(PrivateDirectory directory, Clock clock) {
        this.directory = directory;
        this.clock = clock;
        for (int i = 0; i < LOCK_STRIPES; i++) {
            locks[i] = new Object();
        }
    }

    // ---- the lease operations

    /** Writes {@code instance} with a lease of {@code ttlMillis} from now, replacing any entry of its id. */
    public void register(ServiceInstance instance, long ttlMillis) {
        synchronized (lockFor(instance.service(), instance.id())) {
            write(instance, ttlMillis);
        }
    }

    /** Rewrites a live entry with a fresh lease; false if there is none (missing, invalid or expired). */
    public boolean renew(String service, String id) {
        Path file = fileFor(service, id);
        synchronized (lockFor(service, id)) {
            Entry entry = read(file);
            if (entry == null || !entry.liveAt(clock.millis())) {
                return false;
            }
            write(entry.instance(), entry.ttlMillis());
            return true;
        }
    }

    /**
     * Removes the entry; true if it was there and live. The entry leaves the directory first, in one rename to a
     * temporary name, and is read (to tell whether it was live) and deleted only then: watchers and readers see it gone
     * without waiting for the read, which is slow the first time in a JVM (the JSON parser's classes load then).
     */
    public boolean deregister(String service, String id) {
        Path file = fileFor(service, id);
        synchronized (lockFor(service, id)) {
            long now = clock.millis();
            Path removed = tempFor(file);
            try {
                Files.move(file, removed, StandardCopyOption.ATOMIC_MOVE);
            } catch (NoSuchFileException e) {
                return false;
            } catch (IOException e) {
                throw unavailable("deregister " + service + "/" + id, e);
            }
            Entry entry = read(removed, file.getFileName().toString());
            try {
                Files.deleteIfExists(removed);
            } catch (IOException e) {
                log.debug("could not delete {}; readers reap it within a minute: {}", removed, e.toString());
            }
            return entry != null && entry.liveAt(now);
        }
    }

    // ---- maintenance

    /** Records maintenance for a live entry (keeping the start of one in force); empty if there is no live entry. */
    public Optional<Maintenance> startMaintenance(String service, String id, MaintenanceRequest request) {
        Path file = fileFor(service, id);
        Path maintenanceFile = maintenanceFileFor(service, id);
        synchronized (lockFor(service, id)) {
            long now = clock.millis();
            Entry entry = read(file);
            if (entry == null || !entry.liveAt(now)) {
                return Optional.empty();
            }
            Maintenance record = request.recordAt(Instant.ofEpochMilli(now), readMaintenance(maintenanceFile, now));
            Map<String, Object> node = new LinkedHashMap<>();
            node.put("v", InstanceCodec.VERSION);
            node.putAll(InstanceCodec.maintenanceToMap(record));
            writeAtomically(maintenanceFile, InstanceCodec.toBytes(node), "put " + service + "/" + id
                    + " in maintenance");
            return Optional.of(record);
        }
    }

    /** Deletes the maintenance file of {@code service}/{@code id}; true if it held a maintenance in force. */
    public boolean endMaintenance(String service, String id) {
        Path file = maintenanceFileFor(service, id);
        synchronized (lockFor(service, id)) {
            boolean inForce = readMaintenance(file, clock.millis()).isPresent();
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                throw unavailable("lift the maintenance of " + service + "/" + id, e);
            }
            return inForce;
        }
    }

    /** The maintenance in force for {@code service}/{@code id}, live or not. */
    public Optional<Maintenance> maintenance(String service, String id) {
        return readMaintenance(maintenanceFileFor(service, id), clock.millis());
    }

    /** The maintenance in {@code file} if it is in force at {@code now}; reaps the file when long ended. */
    private Optional<Maintenance> readMaintenance(Path file, long now) {
        Maintenance record = readMaintenanceFile(file);
        if (record == null) {
            return Optional.empty();
        }
        if (record.inForceAt(Instant.ofEpochMilli(now))) {
            return Optional.of(record);
        }
        if (record.until().orElseThrow().toEpochMilli() + REAP_GRACE_MILLIS < now) {
            Name name = Name.parse(file.getFileName().toString());
            synchronized (lockFor(name.service(), name.id())) {
                Maintenance current = readMaintenanceFile(file); // set again meanwhile?
                if (current != null && !current.inForceAt(Instant.ofEpochMilli(clock.millis() - REAP_GRACE_MILLIS))) {
                    try {
                        Files.deleteIfExists(file);
                    } catch (IOException e) {
                        log.debug("could not reap {}: {}", file, e.toString());
                    }
                }
            }
        }
        return Optional.empty();
    }

    private Maintenance readMaintenanceFile(Path file) {
        byte[] bytes = readBounded(file);
        if (bytes == null) {
            return null;
        }
        try {
            return InstanceCodec.maintenanceFromMap(InstanceCodec.parse(bytes));
        } catch (InvalidEntryException e) {
            warn(file, e.getMessage());
            return null;
        }
    }

    // ---- reading

    /** The live entries of {@code service}, by id (in no particular order), shown in maintenance where they are. */
    public Map<String, Entry> readService(String service) {
        Map<String, Entry> live = new LinkedHashMap<>();
        List<Path> maintenanceFiles = new ArrayList<>();
        long now = clock.millis();
        for (Path file : list(service + "@*")) { // one listing for both kinds of file
            String fileName = file.getFileName().toString();
            if (fileName.endsWith(MAINTENANCE_SUFFIX)) {
                maintenanceFiles.add(file);
            } else if (fileName.endsWith(SUFFIX)) {
                Entry entry = readLive(file, now);
                if (entry != null && entry.instance().service().equals(service)) {
                    live.put(entry.instance().id(), entry);
                }
            }
        }
        for (Path file : maintenanceFiles) {
            Name name = Name.parse(file.getFileName().toString());
            Entry entry = name == null || !name.service().equals(service) ? null : live.get(name.id());
            Optional<Maintenance> inForce = readMaintenance(file, now);
            if (entry != null && inForce.isPresent()) {
                live.put(name.id(), entry.shownIn(inForce.get()));
            }
        }
        return live;
    }

    /**
     * The live entries of every service, by service name (sorted) and id (in no particular order): one pass over
     * the directory, where {@link #readService} per service would list it once per service.
     */
    public Map<String, Map<String, Entry>> readAll() {
        Map<String, Map<String, Entry>> all = new TreeMap<>();
        List<Path> maintenanceFiles = new ArrayList<>();
        long now = clock.millis();
        for (Path file : list("*@*")) { // one listing for both kinds of file
            String fileName = file.getFileName().toString();
            if (fileName.endsWith(MAINTENANCE_SUFFIX)) {
                maintenanceFiles.add(file);
                continue;
            }
            Entry entry = fileName.endsWith(SUFFIX) && Name.parse(fileName) != null ? readLive(file, now) : null;
            if (entry != null) {
                all.computeIfAbsent(entry.instance().service(), s -> new LinkedHashMap<>())
                        .put(entry.instance().id(), entry);
            }
        }
        for (Path file : maintenanceFiles) {
            Name name = Name.parse(file.getFileName().toString());
            Map<String, Entry> service = name == null ? null : all.get(name.service());
            Entry entry = service == null ? null : service.get(name.id());
            Optional<Maintenance> inForce = entry == null ? Optional.empty() : readMaintenance(file, now);
            if (inForce.isPresent()) {
                service.put(name.id(), entry.shownIn(inForce.get()));
            }
        }
        return all;
    }

    /** The services the entry files are named for, live or not, without reading the files. */
    public Set<String> namedServices() {
        Set<String> names = new TreeSet<>();
        for (Path file : list("*" + SUFFIX)) {
            Name name = Name.parse(file.getFileName().toString());
            if (name != null) {
                names.add(name.service());
            }
        }
        return names;
    }

    /** The names of the services with at least one live entry, sorted. Also deletes stale temporary files. */
    public Set<String> services() {
        Set<String> names = new TreeSet<>();
        long now = clock.millis();
        for (Path file : list("*" + SUFFIX)) {
            Name name = Name.parse(file.getFileName().toString());
            if (name != null && !names.contains(name.service()) && readLive(file, now) != null) {
                names.add(name.service());
            }
        }
        reapStaleTempFiles(now);
        return Collections.unmodifiableSet(names);
    }

    /**
     * The entry of {@code name} if it is live at {@code now}, shown in maintenance if it is, else null (and reaped
     * when long expired).
     */
    public Entry readLive(Name name, long now) {
        Entry entry = readLive(fileFor(name.service(), name.id()), now);
        if (entry == null) {
            return null;
        }
        Optional<Maintenance> inForce = readMaintenance(maintenanceFileFor(name.service(), name.id()), now);
        return inForce.isPresent() ? entry.shownIn(inForce.get()) : entry;
    }

    private Entry readLive(Path file, long now) {
        Entry entry = read(file);
        if (entry == null) {
            return null;
        }
        if (entry.liveAt(now)) {
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
        return read(file, file.getFileName().toString());
    }

    /** The entry in {@code file}, which must hold the instance an entry file named {@code entryName} holds. */
    private Entry read(Path file, String entryName) {
        byte[] bytes = readBounded(file);
        if (bytes == null) {
            return null;
        }
        try {
            return decode(bytes, entryName);
        } catch (InvalidEntryException e) {
            warn(file, e.getMessage());
            return null;
        }
    }

    /** The bytes of {@code file}; null (with one warning, unless it is missing) when it cannot be read whole. */
    private byte[] readBounded(Path file) {
        try {
            if (Files.size(file) > MAX_ENTRY_BYTES) {
                warn(file, "larger than " + MAX_ENTRY_BYTES + " bytes");
                return null;
            }
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            warn(file, e.toString());
            return null;
        }
    }

    private static Entry decode(byte[] bytes, String fileName) {
        Map<String, Object> node = InstanceCodec.parse(bytes);
        ServiceInstance instance = InstanceCodec.fromMap(node);
        long expiresAt = InstanceCodec.longValue(node, "expiresAt");
        long ttl = InstanceCodec.longValue(node, "ttlMillis");
        if (instance.maintenance().isPresent()) {
            throw new InvalidEntryException("a registration is never stored in maintenance");
        }
        String expectedName = instance.service() + "@" + instance.id() + SUFFIX;
        if (!expectedName.equals(fileName)) {
            throw new InvalidEntryException("holds " + instance.service() + "/" + instance.id()
                    + " but is named " + fileName);
        }
        return new Entry(instance, expiresAt, ttl);
    }

    /** Warns once per file and version of it: a bad entry read on every poll is reported once, again if it changes. */
    private void warn(Path file, String problem) {
        warnOnce.warn(file.getFileName() + "|" + lastModified(file), "skipping registry entry {}: {}", file, problem);
    }

    private static String lastModified(Path file) {
        try {
            FileTime time = Files.getLastModifiedTime(file);
            return time.toString();
        } catch (IOException e) {
            return "?";
        }
    }

    // ---- writing

    private void write(ServiceInstance instance, long ttlMillis) {
        long now = clock.millis();
        Map<String, Object> node = InstanceCodec.toMap(instance);
        node.put("ttlMillis", ttlMillis);
        node.put("expiresAt", now + ttlMillis);
        node.put("renewedAt", now);
        node.put("pid", ProcessHandle.current().pid());
        writeAtomically(fileFor(instance.service(), instance.id()), InstanceCodec.toBytes(node),
                "write " + instance.service() + "/" + instance.id());
    }

    /** Writes {@code bytes} to a private temporary file and moves it to {@code target} atomically. */
    private void writeAtomically(Path target, byte[] bytes, String operation) {
        ensureDirectory();
        Path temp = tempFor(target);
        try {
            try {
                writePrivateFile(temp, bytes);
            } catch (NoSuchFileException e) {
                // The directory was deleted since it was checked: create and check it again.
                directory.forget();
                ensureDirectory();
                writePrivateFile(temp, bytes);
            }
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
            throw unavailable(operation, e);
        }
    }

    /** A fresh temporary name beside {@code entry}: hidden, and reaped by readers when its writer died. */
    private Path tempFor(Path entry) {
        return directory.path().resolve("." + entry.getFileName() + "."
                + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
    }

    /** Creates {@code file} (it must not exist) readable by its owner only, and writes {@code bytes}: one open. */
    private static void writePrivateFile(Path file, byte[] bytes) throws IOException {
        Set<OpenOption> options = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        SeekableByteChannel channel;
        try {
            channel = Files.newByteChannel(file, options, OWNER_ONLY);
        } catch (UnsupportedOperationException e) { // not a POSIX file system
            channel = Files.newByteChannel(file, options);
        }
        try (SeekableByteChannel open = channel) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                open.write(buffer);
            }
        }
    }

    // ---- the directory

    private void ensureDirectory() {
        try {
            directory.ensure();
        } catch (IOException e) {
            throw unavailable("create directory", e);
        }
    }

    /** The files matching {@code glob}; none while the directory does not exist (reads never create it). */
    private List<Path> list(String glob) {
        if (!directory.exists()) {
            return List.of();
        }
        ensureDirectory();
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory.path(), glob)) {
            for (Path file : stream) {
                files.add(file);
            }
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException | UncheckedIOException e) {
            throw unavailable("list", e instanceof UncheckedIOException u ? u.getCause() : e);
        }
        return files;
    }

    private void reapStaleTempFiles(long now) {
        if (!directory.exists()) {
            return;
        }
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory.path(), ".*.tmp")) {
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
            log.debug("could not clean temporary files in {}: {}", directory.path(), e.toString());
        }
    }

    /**
     * The file of {@code service}/{@code id}.
     *
     * @throws IllegalArgumentException when either is not a valid name
     */
    public Path fileFor(String service, String id) {
        ServiceInstance.checkServiceName(service);
        ServiceInstance.checkInstanceId(id);
        return directory.path().resolve(service + "@" + id + SUFFIX);
    }

    /**
     * The maintenance file of {@code service}/{@code id}.
     *
     * @throws IllegalArgumentException when either is not a valid name
     */
    public Path maintenanceFileFor(String service, String id) {
        ServiceInstance.checkServiceName(service);
        ServiceInstance.checkInstanceId(id);
        return directory.path().resolve(service + "@" + id + MAINTENANCE_SUFFIX);
    }

    private Object lockFor(String service, String id) {
        return locks[Math.floorMod(31 * service.hashCode() + id.hashCode(), LOCK_STRIPES)];
    }

    private RegistryUnavailableException unavailable(String operation, Throwable cause) {
        return new RegistryUnavailableException("file registry " + directory.path() + ": cannot " + operation + ": "
                + cause, cause);
    }
}
