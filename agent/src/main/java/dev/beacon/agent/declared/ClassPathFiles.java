package dev.beacon.agent.declared;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.jar.Attributes;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Finds a resource where the app's class loader would: in the directories and jars of {@code java.class.path}, the
 * first one that has it. Inside a Spring Boot fat jar the class path root is {@code BOOT-INF/classes/}; next to a
 * Quarkus {@code quarkus-run.jar} the app's own classes are in {@code app/*.jar}; an app started with {@code -jar}
 * from a thin jar (Helidon's layout: {@code quotes.jar} and {@code libs/}) has the jars its manifest's
 * {@code Class-Path} names after it, as the JVM loads them. Jars are opened once and closed by {@link #close()}.
 * Not thread-safe: the agent's thread only.
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
        if (paths.size() == 1 && paths.get(0).toString().endsWith(".jar")) {
            paths.addAll(manifestClassPath(paths.get(0)));
        }
        this.entries = List.copyOf(paths);
    }

    /**
     * The entries of the {@code Class-Path} attribute of the jar's manifest, resolved against the jar's directory
     * (relative URLs, separated by spaces); empty when it has none. Read only for a class path of one jar
     * ({@code java -jar}): the JVM reads every jar's, but an app on a class path of many jars lists them itself.
     */
    private List<Path> manifestClassPath(Path jarPath) {
        ZipFile jar = open(jarPath);
        ZipEntry entry = jar == null ? null : jar.getEntry("META-INF/MANIFEST.MF");
        if (entry == null) {
            return List.of();
        }
        String classPath;
        try (InputStream in = jar.getInputStream(entry)) {
            classPath = new Manifest(in).getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
        } catch (IOException | RuntimeException unreadable) {
            return List.of();
        }
        List<Path> paths = new ArrayList<>();
        Path dir = jarPath.toAbsolutePath().getParent();
        for (String url : classPath == null || dir == null ? new String[0] : classPath.trim().split("\\s+")) {
            if (!url.isEmpty() && !url.contains(":")) {
                try {
                    paths.add(dir.resolve(URI.create(url).getPath()).normalize());
                } catch (RuntimeException badEntry) {
                    // the JVM skips it too
                }
            }
        }
        return paths;
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
