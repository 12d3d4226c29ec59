package dev.beacon.agent.config;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipFile;

/**
 * The service name when {@code service=} is not given and the app declares none (see
 * {@code dev.beacon.agent.declared.DeclaredApp}): {@code spring.application.name} if set as a system property, else
 * the jar's file name without version ({@code java -jar orders-1.4.jar} → {@code orders}), else the jar on the class
 * path that holds the main class ({@code -cp lib/* org.apache.zookeeper.server.quorum.QuorumPeerMain} →
 * {@code zookeeper}), else the main class's simple name in kebab case ({@code OrderServiceApp} →
 * {@code order-service-app}) — prefixed by its package's last segment when that name alone is a generic word
 * ({@code com.acme.billing.Server} → {@code billing-server}, never a bare {@code server} or {@code main}); made a
 * valid service name.
 */
public final class DefaultServiceName {

    /** Names that say nothing about the service on their own. */
    static final Set<String> GENERIC = Set.of("server", "main", "app", "application", "service", "launcher",
            "bootstrap", "start", "starter", "run", "runner", "daemon", "boot", "cli", "entry-point", "main-class");

    /** A name and how it was chosen, for the INFO line. */
    public record Named(String name, String source) {
    }

    private DefaultServiceName() {
    }

    /** The default name for an app with these system properties ({@code sun.java.command} names its main). */
    public static String of(Map<?, ?> properties) {
        return named(properties).name();
    }

    /** The default name for an app with these system properties, and where it came from. */
    public static Named named(Map<?, ?> properties) {
        Object spring = properties.get("spring.application.name");
        if (spring instanceof String name && !name.isBlank()) {
            return new Named(sanitize(name), "spring.application.name in -Dspring.application.name");
        }
        Object command = properties.get("sun.java.command");
        if (command instanceof String line && !line.isBlank()) {
            String first = line.trim().split("\\s+")[0];
            if (first.endsWith(".jar")) {
                return new Named(sanitize(jarBaseName(Path.of(first))), "the app's jar " + fileName(first));
            }
            Object classPath = properties.get("java.class.path");
            if (classPath instanceof String cp) {
                Path jar = jarHolding(first, cp);
                if (jar != null) {
                    return new Named(sanitize(jarBaseName(jar)), "the jar " + jar.getFileName()
                            + " that holds the main class " + first);
                }
            }
            return new Named(mainClassName(first), "the main class " + first);
        }
        return new Named("app", "no main class known");
    }

    /** {@code Server} in {@code com.acme.billing} → {@code billing-server}; {@code OrderServiceApp} → as is. */
    static String mainClassName(String mainClass) {
        String simple = mainClass.substring(mainClass.lastIndexOf('.') + 1);
        String name = sanitize(simple.replaceAll("([a-z0-9])([A-Z])", "$1-$2"));
        String[] packages = mainClass.contains(".") ? mainClass.substring(0, mainClass.lastIndexOf('.')).split("\\.")
                : new String[0];
        if (!GENERIC.contains(name)) {
            return name;
        }
        for (int i = packages.length - 1; i >= 0; i--) {
            String segment = sanitize(packages[i].replaceAll("([a-z0-9])([A-Z])", "$1-$2"));
            name = sanitize(segment + "-" + name);
            if (!GENERIC.contains(segment)) {
                break;
            }
        }
        return name;
    }

    private static String fileName(String path) {
        return path.substring(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
    }

    static String jarBaseName(Path jar) {
        String file = fileName(jar.toString());
        return file.substring(0, file.length() - 4).replaceFirst("-\\d[\\w.-]*$", "");
    }

    /** The jar of {@code classPath} whose entries hold {@code mainClass}; null if a directory or none holds it. */
    static Path jarHolding(String mainClass, String classPath) {
        String entry = mainClass.replace('.', '/') + ".class";
        for (String element : classPath.split(File.pathSeparator)) {
            if (element.isBlank()) {
                continue;
            }
            Path path = Path.of(element);
            if (Files.isDirectory(path)) {
                if (Files.isRegularFile(path.resolve(entry))) {
                    return null;
                }
            } else if (element.endsWith(".jar") && Files.isRegularFile(path)) {
                try (ZipFile jar = new ZipFile(path.toFile())) {
                    if (jar.getEntry(entry) != null) {
                        return path;
                    }
                } catch (IOException | RuntimeException notAJar) {
                    // skip it
                }
            }
        }
        return null;
    }

    /** Lower case, runs of other characters made {@code -}, no leading punctuation, at most 63 characters. */
    public static String sanitize(String raw) {
        String name = raw.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]+", "-").replaceAll("^[^a-z0-9]+", "");
        if (name.length() > 63) {
            name = name.substring(0, 63);
        }
        return name.isEmpty() ? "app" : name;
    }
}
