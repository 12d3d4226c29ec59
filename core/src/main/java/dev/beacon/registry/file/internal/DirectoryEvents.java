package dev.beacon.registry.file.internal;

import dev.beacon.registry.FileServiceRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The registry directory's changes, pushed by the JDK's {@link WatchService} (inotify on Linux): which files changed,
 * or that everything may have changed and must be read again (the event queue overflowed, the directory appeared,
 * was deleted or replaced). While the directory does not exist, its parent is watched for its creation.
 *
 * <p>Where the platform has no WatchService that pushes (it cannot be opened, it runs out of inotify watches, or it is
 * the JDK's polling implementation, as on macOS, which looks every few seconds), {@link #pushing()} is false, one
 * line is logged, and the caller polls instead.
 *
 * <p>Used by one thread (the watch loop); {@link #close()} may come from any thread and wakes it.
 */
public final class DirectoryEvents implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(FileServiceRegistry.class);

    /** Opens the platform's watch service; tests pass one that fails. */
    @FunctionalInterface
    public interface Source {
        WatchService open() throws IOException;

        static Source platform() {
            return () -> FileSystems.getDefault().newWatchService();
        }
    }

    /**
     * What changed since the last call: file names in the directory, or everything ({@code rescan}).
     *
     * @param rescan    true when every watched service must be read again
     * @param fileNames the names of the files that changed (when not {@code rescan})
     */
    public record Changes(boolean rescan, Set<String> fileNames) {
        static final Changes NONE = new Changes(false, Set.of());
    }

    private final PrivateDirectory directory;
    private final long pollMillis;
    private volatile WatchService service;
    private volatile WatchKey directoryKey;
    private Object directoryId;
    private volatile WatchKey parentKey;
    private volatile boolean closed;

    private DirectoryEvents(PrivateDirectory directory, WatchService service, long pollMillis) {
        this.directory = directory;
        this.service = service;
        this.pollMillis = pollMillis;
    }

    /**
     * Starts watching {@code directory} (or its parent, while it does not exist). Never throws: when changes cannot
     * be pushed, the result is not {@link #pushing()}, and the one line logged says the directory is read every
     * {@code pollMillis} instead.
     */
    public static DirectoryEvents open(PrivateDirectory directory, Source source, long pollMillis) {
        WatchService service;
        try {
            service = source.open();
        } catch (IOException | UnsupportedOperationException e) {
            log.warn("cannot watch registry directory {} for changes ({}); reading it every {} ms instead",
                    directory.path(), e.toString(), pollMillis);
            return new DirectoryEvents(directory, null, pollMillis);
        }
        if (service.getClass().getName().endsWith("PollingWatchService")) {
            closeQuietly(service);
            log.info("this platform's file watch service polls; reading registry directory {} every {} ms instead",
                    directory.path(), pollMillis);
            return new DirectoryEvents(directory, null, pollMillis);
        }
        DirectoryEvents events = new DirectoryEvents(directory, service, pollMillis);
        events.register();
        return events;
    }

    /** True while changes are pushed: the directory (or, while it is missing, its parent) is watched. */
    public boolean pushing() {
        return service != null && (valid(directoryKey) || valid(parentKey));
    }

    /**
     * Waits up to {@code timeoutMillis} for changes, then returns all that are pending (several changes to one file
     * come as one name). Returns {@link Changes#NONE} on timeout, and at once when closed.
     */
    public Changes await(long timeoutMillis) throws InterruptedException {
        if (closed) {
            return Changes.NONE;
        }
        if (service == null) {
            synchronized (this) {
                if (!closed) {
                    wait(Math.max(1, timeoutMillis)); // close() wakes it
                }
            }
            return Changes.NONE;
        }
        try {
            WatchKey key = service.poll(Math.max(0, timeoutMillis), TimeUnit.MILLISECONDS);
            boolean rescan = false;
            Set<String> names = new LinkedHashSet<>();
            for (; key != null; key = service.poll()) {
                rescan |= take(key, names);
            }
            return rescan ? new Changes(true, Set.of()) : names.isEmpty() ? Changes.NONE : new Changes(false, names);
        } catch (ClosedWatchServiceException e) {
            return Changes.NONE;
        }
    }

    /** Adds the changed names of {@code key} to {@code names}; true if everything must be read again. */
    private boolean take(WatchKey key, Set<String> names) {
        boolean rescan = false;
        if (key == directoryKey) {
            for (WatchEvent<?> event : key.pollEvents()) {
                if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
                    rescan = true; // events were dropped: which files changed is unknown
                } else {
                    names.add(event.context().toString());
                }
            }
            if (!key.reset()) {
                // The directory was deleted (or unmounted): its entries are gone; watch for it to come back.
                directoryKey = null;
                directory.forget();
                register();
                rescan = true;
            }
        } else if (key == parentKey) {
            boolean created = false;
            for (WatchEvent<?> event : key.pollEvents()) {
                created |= event.kind() == StandardWatchEventKinds.OVERFLOW
                        || Objects.equals(event.context(), directory.path().getFileName());
            }
            if (!key.reset()) {
                parentKey = null;
            }
            if (created && register()) {
                rescan = true;
            }
        } else {
            key.cancel(); // a key of a directory no longer watched
        }
        return rescan;
    }

    /**
     * Checks that the watched directory is still the one at the registry's path (it may have been moved away and
     * another put in its place, which the watch does not report), and watches it once it exists.
     *
     * @return true if what is watched changed: everything must be read again
     */
    public boolean recheck() {
        if (service == null || closed) {
            return false;
        }
        if (valid(directoryKey)) {
            if (Objects.equals(identity(directory.path()), directoryId)) {
                return false;
            }
            directoryKey.cancel();
            directoryKey = null;
            directory.forget();
        }
        register();
        return true;
    }

    /** Watches the directory, or its parent while it is missing; true if the directory itself is watched. */
    private boolean register() {
        try {
            for (int attempt = 0; attempt < 2; attempt++) {
                try {
                    directoryKey = directory.path().register(service, StandardWatchEventKinds.ENTRY_CREATE,
                            StandardWatchEventKinds.ENTRY_DELETE, StandardWatchEventKinds.ENTRY_MODIFY);
                    directoryId = identity(directory.path());
                    if (parentKey != null) {
                        parentKey.cancel();
                        parentKey = null;
                    }
                    return true;
                } catch (NoSuchFileException | NotDirectoryException e) {
                    // Watch the parent for its creation; then try once more, in case it was created meanwhile.
                    watchParent();
                }
            }
            return false;
        } catch (IOException e) {
            // Typically the user's inotify watches are used up (fs.inotify.max_user_watches).
            log.warn("cannot watch registry directory {} for changes ({}); reading it every {} ms instead",
                    directory.path(), e.toString(), pollMillis);
            closeQuietly(service);
            service = null;
            directoryKey = null;
            parentKey = null;
            return false;
        } catch (ClosedWatchServiceException e) {
            return false;
        }
    }

    private void watchParent() throws IOException {
        Path parent = directory.path().getParent();
        if (valid(parentKey) || parent == null || !Files.isDirectory(parent)) {
            return;
        }
        try {
            parentKey = parent.register(service, StandardWatchEventKinds.ENTRY_CREATE);
        } catch (NoSuchFileException | NotDirectoryException e) {
            parentKey = null; // the parent went too: the caller's periodic recheck looks again
        }
    }

    private static Object identity(Path dir) {
        try {
            return Files.readAttributes(dir, BasicFileAttributes.class).fileKey();
        } catch (IOException e) {
            return null;
        }
    }

    private static boolean valid(WatchKey key) {
        return key != null && key.isValid();
    }

    @Override
    public String toString() {
        return directory.path().toString();
    }

    /** Releases the watch service (and the JDK's thread behind it); wakes a caller blocked in {@link #await}. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            notifyAll();
        }
        WatchService current = service;
        if (current != null) {
            closeQuietly(current);
        }
    }

    private static void closeQuietly(WatchService service) {
        try {
            service.close();
        } catch (IOException e) {
            log.debug("closing the watch service failed: {}", e.toString());
        }
    }
}
