package dev.beacon.agent.declared;

import java.io.File;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.ZipFile;

/**
 * Finds a resource where the app's class loader would: in the directories and jars of {@code java.class.path}, the
 * first one that has it. Inside a Spring Boot fat jar the class path root is {@code BOOT-INF/classes/}; next to a
 * Quarkus {@code quarkus-run.jar} the app's own classes are in {@code app/*.jar}. Jars are opened once and closed
 * by {@link #close()}. Not thread-safe: the agent's thread only.
 */
final class ClassPathFiles implements AutoCloseable {

    private final List<Path> entries;
    private final Map<Path, ZipFile> opened = new HashMap<>();

    ClassPathFiles(String classPath) {
        List<Path> paths = new ArrayList<>();
        for (String entry : classPath == null ? new String[0] : classPath.split(File.pathSeparator)) {
            if (entry.isBlank()) {
                continue;
            }
            Path path = Path.of(entry);
            paths.add(path);
            if (path.getFileName() != null && path.getFileName().toString().equals("quarkus-run.jar")) {
                paths.addAll(quarkusAppJars(path.resolveSibling("app")));
            }
        }
        this.entries = List.copyOf(paths);
    }

    /** The class path entries, with a Quarkus app's own jars after its {@code quarkus-run.jar}. */
    List<Path> entries() {
        return entries;
    }

    /** The first class path resource {@code name} ({@code config/application.yml}), read; empty if none. */
    Optional<ConfigDocument> find(String name) {
        for (Path entry : entries) {
            if (Files.isDirectory(entry)) {
                Path file = entry.resolve(name);
                if (Files.isRegularFile(file)) {
                    return ConfigFiles.read(file, "classpath:" + name);
                }
                continue;
            }
            ZipFile jar = open(entry);
            if (jar == null) {
                continue;
            }
            String inBoot = "BOOT-INF/classes/" + name;
            if (jar.getEntry(inBoot) != null) {
                return ConfigFiles.read(jar, inBoot);
            }
            if (jar.getEntry(name) != null) {
                return ConfigFiles.read(jar, name);
            }
        }
        return Optional.empty();
    }

    /** Whether the class (binary name) is in one of the class path entries, or in a Boot fat jar's classes. */
    boolean hasClass(String className) {
        String name = className.replace('.', '/') + ".class";
        for (Path entry : entries) {
            if (Files.isDirectory(entry)) {
                if (Files.isRegularFile(entry.resolve(name))) {
                    return true;
                }
                continue;
            }
            ZipFile jar = open(entry);
            if (jar != null && (jar.getEntry(name) != null || jar.getEntry("BOOT-INF/classes/" + name) != null)) {
                return true;
            }
        }
        return false;
    }

    /** The jar (not a directory) of the class path that holds the class; empty if none. */
    Optional<Path> jarOf(String className) {
        String name = className.replace('.', '/') + ".class";
        for (Path entry : entries) {
            if (!Files.isDirectory(entry)) {
                ZipFile jar = open(entry);
                if (jar != null && jar.getEntry(name) != null) {
                    return Optional.of(entry);
                }
            } else if (Files.isRegularFile(entry.resolve(name))) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** The open jar at {@code path}; null if it is not a readable jar. */
    ZipFile open(Path path) {
        if (opened.containsKey(path)) {
            return opened.get(path);
        }
        ZipFile jar = null;
        if (Files.isRegularFile(path)) {
            try {
                jar = new ZipFile(path.toFile());
            } catch (IOException | RuntimeException notAJar) {
                jar = null;
            }
        }
        opened.put(path, jar);
        return jar;
    }

    private static List<Path> quarkusAppJars(Path appDir) {
        List<Path> jars = new ArrayList<>();
        try (DirectoryStream<Path> found = Files.newDirectoryStream(appDir, "*.jar")) {
            found.forEach(jars::add);
        } catch (IOException | RuntimeException e) {
            // not a Quarkus fast-jar layout
        }
        jars.sort(null);
        return jars;
    }

    @Override
    public void close() {
        for (ZipFile jar : opened.values()) {
            if (jar != null) {
                try {
                    jar.close();
                } catch (IOException ignored) {
                    // read-only; nothing to lose
                }
            }
        }
        opened.clear();
    }
}
