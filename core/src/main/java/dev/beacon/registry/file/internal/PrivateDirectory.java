package dev.beacon.registry.file.internal;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The registry's directory, private to this user: created 0700 when missing; an existing one is refused when others
 * may write it, when it belongs to another user, or when it is a symbolic link that belongs to another user. The check
 * runs on first use and again after {@link #forget()} (the directory was seen deleted or replaced). Thread-safe.
 */
public final class PrivateDirectory {

    private final Path path;
    private volatile boolean checked;

    public PrivateDirectory(Path path) {
        this.path = path;
    }

    public Path path() {
        return path;
    }

    /** True if the directory exists now (no check). */
    public boolean exists() {
        return Files.isDirectory(path);
    }

    /**
     * Creates the directory if it is missing, and checks it once.
     *
     * @throws IOException           when it cannot be created or inspected
     * @throws IllegalStateException when it exists but is not private to this user (the message says how to fix it)
     */
    public void ensure() throws IOException {
        if (checked) {
            return;
        }
        synchronized (this) {
            if (checked) {
                return;
            }
            if (!Files.isDirectory(path)) {
                try {
                    Files.createDirectories(path,
                            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                } catch (UnsupportedOperationException e) {
                    Files.createDirectories(path);
                } catch (FileAlreadyExistsException e) {
                    // created by another process meanwhile
                }
            }
            checkPrivate(path);
            checked = true;
        }
    }

    /** Checks the directory again on its next use: it was deleted, or replaced by another. */
    public void forget() {
        checked = false;
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
}
