package dev.beacon.registry.internal;

import dev.beacon.registry.FileServiceRegistry;
import dev.beacon.registry.InMemoryServiceRegistry;
import dev.beacon.registry.ServiceRegistry;
import dev.beacon.registry.spi.RegistryProvider;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Set;

/** The registries that need nothing but the JDK: {@code memory:} and {@code file:}. */
public final class BuiltInRegistryProviders {

    private BuiltInRegistryProviders() {
    }

    /** {@code memory:} — a new, empty registry inside this JVM on every open. */
    public static final class Memory implements RegistryProvider {
        @Override
        public Set<String> schemes() {
            return Set.of("memory");
        }

        @Override
        public ServiceRegistry open(String uri) {
            if (!uri.equals("memory:")) {
                throw new IllegalArgumentException("registry URI '" + uri + "' is not valid: write it 'memory:'");
            }
            return new InMemoryServiceRegistry();
        }
    }

    /** {@code file:} (the default per-user directory), {@code file:/some/dir} or {@code file:///some/dir}. */
    public static final class File implements RegistryProvider {
        @Override
        public Set<String> schemes() {
            return Set.of("file");
        }

        @Override
        public ServiceRegistry open(String uri) {
            return new FileServiceRegistry(directoryOf(uri));
        }

        /** The directory a {@code file:} URI names. */
        public static Path directoryOf(String uri) {
            String path = uri.substring("file:".length());
            if (path.isEmpty()) {
                return FileServiceRegistry.defaultDirectory();
            }
            if (path.startsWith("//")) {
                path = path.substring(2);
                if (!path.startsWith("/")) {
                    throw new IllegalArgumentException("registry URI '" + uri
                            + "' names a host; write file:/some/dir or file:///some/dir");
                }
            }
            if (path.indexOf('?') >= 0 || path.indexOf('#') >= 0 || path.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("registry URI '" + uri
                        + "' is not a directory path; write file:/some/dir");
            }
            try {
                return Path.of(path);
            } catch (InvalidPathException e) {
                throw new IllegalArgumentException("registry URI '" + uri + "' is not a valid path: "
                        + e.getMessage());
            }
        }
    }
}
