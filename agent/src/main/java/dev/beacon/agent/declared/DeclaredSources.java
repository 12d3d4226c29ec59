package dev.beacon.agent.declared;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Looks a property up where Spring Boot does, in its precedence, highest first: {@code --key=value} on the app's
 * command line ({@code sun.java.command}), {@code -Dkey}, the environment variable (relaxed: {@code server.port} is
 * {@code SERVER_PORT}), then the configuration files — the active profiles' {@code application-{profile}.*} outside
 * the jar ({@code ./config/}, then {@code ./}), the base files outside the jar, the profile files on the class path
 * ({@code config/}, then the root; a Boot fat jar's root is {@code BOOT-INF/classes/}), the base files on the class
 * path; in one place {@code .properties} before {@code .yml} before {@code .yaml}. {@code spring.config.name},
 * {@code spring.config.location} and {@code spring.config.additional-location} change the names and places;
 * {@code spring.profiles.active} (and Micronaut's {@code micronaut.environments}) come from the same sources.
 * Micronaut and Quarkus read the same files, environment and system properties in nearly the same order, so their
 * keys are looked up here too (docs/agent.md says where they differ).
 *
 * <p>Helidon's default configuration has its own order ({@link #findHelidon}): the environment
 * ({@code server.sockets.0.port} is {@code SERVER_SOCKETS_0_PORT}, a {@code -} is {@code _DASH_}), then
 * {@code -Dkey}, then the first of {@code ./application.yaml}, {@code .properties}, {@code .yml} in the working
 * directory or, when there is none, on the class path — one file, not merged; with a profile ({@code HELIDON_CONFIG_PROFILE},
 * {@code -Dhelidon.config.profile}, {@code -Dconfig.profile}) every {@code application-{profile}.*} and
 * {@code application.*} there is, merged, the profile's files first, the working directory's before the class path's.
 *
 * <p>Files are read only when a lookup reaches them, each at most once. Not thread-safe: the agent's thread only.
 */
final class DeclaredSources implements AutoCloseable {

    /** A value and where it came from, as the INFO line says it. */
    record Found(String value, String source) {
    }

    private final Map<?, ?> properties;
    private final Map<String, String> env;
    private final Path workDir;
    private final ClassPathFiles classPath;
    private final Optional<Framework> framework;
    private final Map<String, String> arguments;
    private final Map<String, Optional<ConfigDocument>> read = new LinkedHashMap<>();
    private List<String> profiles;

    DeclaredSources(Map<?, ?> properties, Map<String, String> env, Path workDir, ClassPathFiles classPath,
                    Optional<Framework> framework) {
        this.properties = properties;
        this.env = env;
        this.workDir = workDir;
        this.classPath = classPath;
        this.framework = framework;
        this.arguments = commandLineOptions(properties.get("sun.java.command") instanceof String s ? s : "");
    }

    /** The app's arguments after its main class or jar ({@code sun.java.command} splits them on spaces). */
    static List<String> arguments(String command) {
        List<String> tokens = new ArrayList<>(Arrays.asList(command.trim().split("\\s+")));
        return tokens.size() <= 1 ? List.of() : tokens.subList(1, tokens.size());
    }

    private static Map<String, String> commandLineOptions(String command) {
        Map<String, String> options = new LinkedHashMap<>();
        for (String argument : arguments(command)) {
            int eq = argument.indexOf('=');
            if (argument.startsWith("--") && eq > 2) {
                options.put(argument.substring(2, eq), argument.substring(eq + 1));
            }
        }
        return options;
    }

    /** The environment variable Spring's relaxed binding maps {@code key} to: {@code SPRING_APPLICATION_NAME}. */
    static String envName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace("-", "").replace("[", "_").replace("]", "_")
                .replace("%", "_");
    }

    /** The value of {@code key} from the first source that has it, blank values skipped. */
    Optional<Found> find(String key) {
        if (framework.orElse(null) == Framework.HELIDON) {
            return findHelidon(key);
        }
        Optional<Found> outside = findOutsideFiles(key);
        if (outside.isPresent()) {
            return outside;
        }
        for (ConfigDocument document : files()) {
            String value = document.get(key, activeProfiles());
            if (value != null && !value.isBlank()) {
                return Optional.of(new Found(value.trim(), document.where()));
            }
        }
        return Optional.empty();
    }

    /**
     * Where Helidon's default configuration ({@code Config.create()}) finds {@code key}: the environment, the system
     * properties, then its files ({@link #helidonFiles()}). A list item is {@code server.sockets[0].port} in YAML and
     * {@code server.sockets.0.port} in Helidon's own keys; both are looked up. Meta-configuration files and the
     * {@code .conf}/{@code .json} formats are not read.
     */
    private Optional<Found> findHelidon(String key) {
        String dotted = key.replaceAll("\\[(\\d+)]", ".$1");
        // Helidon's aliases: SERVER_PORT is server.port, _DASH_ a '-' (and the key itself is one too)
        for (String name : List.of(dotted.toUpperCase(Locale.ROOT).replace("-", "_DASH_").replace('.', '_'), dotted)) {
            String value = env.get(name);
            if (value != null && !value.isBlank()) {
                return Optional.of(new Found(value.trim(), name));
            }
        }
        if (properties.get(dotted) instanceof String property && !property.isBlank()) {
            return Optional.of(new Found(property.trim(), "-D" + dotted));
        }
        for (ConfigDocument document : helidonFiles()) {
            for (String k : dotted.equals(key) ? List.of(key) : List.of(key, dotted)) {
                String found = document.values().get(k);
                if (found != null && !found.isBlank()) {
                    return Optional.of(new Found(found.trim(), document.where()));
                }
            }
        }
        return Optional.empty();
    }

    /** Helidon's configuration files, the strongest first (see the class comment). */
    private List<ConfigDocument> helidonFiles() {
        String profile = env.get("HELIDON_CONFIG_PROFILE");
        for (String key : List.of("helidon.config.profile", "config.profile")) {
            if ((profile == null || profile.isBlank()) && properties.get(key) instanceof String p) {
                profile = p;
            }
        }
        List<String> names = new ArrayList<>();
        if (profile != null && !profile.isBlank()) {
            names.add("application-" + profile.trim());
        }
        names.add("application");
        List<ConfigDocument> documents = new ArrayList<>();
        for (String name : names) {
            for (boolean onClassPath : new boolean[]{false, true}) {
                for (String extension : List.of(".yaml", ".properties", ".yml")) {
                    Optional<ConfigDocument> document = document(onClassPath, name + extension);
                    if (document.isPresent()) {
                        documents.add(document.get());
                        if (names.size() == 1) {
                            return documents; // without a profile Helidon reads the first file it finds, alone
                        }
                    }
                }
            }
        }
        return documents;
    }

    private Optional<Found> findOutsideFiles(String key) {
        String value = arguments.get(key);
        if (value != null && !value.isBlank()) {
            return Optional.of(new Found(value.trim(), "--" + key + " on the command line"));
        }
        if (properties.get(key) instanceof String property && !property.isBlank()) {
            return Optional.of(new Found(property.trim(), "-D" + key));
        }
        String name = envName(key);
        value = env.get(name);
        if (value != null && !value.isBlank()) {
            return Optional.of(new Found(value.trim(), name));
        }
        return Optional.empty();
    }

    /** The active profiles, the last one the strongest: {@code spring.profiles.active}, Micronaut's environments. */
    List<String> activeProfiles() {
        if (profiles == null) {
            profiles = Collections.emptyList(); // while the base files are read for the key itself
            List<String> active = new ArrayList<>();
            for (String key : List.of("spring.profiles.active", "micronaut.environments")) {
                Optional<Found> found = findOutsideFiles(key);
                if (found.isEmpty()) {
                    for (ConfigDocument base : baseFiles()) {
                        String value = base.values().get(key);
                        if (value != null && !value.isBlank()) {
                            found = Optional.of(new Found(value, base.where()));
                            break;
                        }
                    }
                }
                found.ifPresent(f -> Arrays.stream(f.value().split(",")).map(String::trim)
                        .filter(p -> !p.isEmpty() && !active.contains(p)).forEach(active::add));
            }
            profiles = List.copyOf(active);
        }
        return profiles;
    }

    /** Every configuration file that exists, highest precedence first (profile files included). */
    private List<ConfigDocument> files() {
        List<ConfigDocument> documents = new ArrayList<>();
        List<String> active = activeProfiles();
        for (boolean outside : new boolean[]{true, false}) {
            for (int p = active.size() - 1; p >= 0; p--) {
                documents.addAll(filesAt(outside, "-" + active.get(p)));
            }
            documents.addAll(filesAt(outside, ""));
        }
        return documents;
    }

    private List<ConfigDocument> baseFiles() {
        List<ConfigDocument> documents = new ArrayList<>(filesAt(true, ""));
        documents.addAll(filesAt(false, ""));
        return documents;
    }

    /** The files of the locations outside the jar (or on the class path), the strongest first. */
    private List<ConfigDocument> filesAt(boolean outside, String profileSuffix) {
        List<ConfigDocument> documents = new ArrayList<>();
        List<String> locations = locations();
        for (int i = locations.size() - 1; i >= 0; i--) {
            String location = locations.get(i);
            boolean onClassPath = location.startsWith("classpath:");
            if (onClassPath == outside) {
                continue;
            }
            String path = onClassPath ? location.substring("classpath:".length()) : location.startsWith("file:")
                    ? location.substring("file:".length()) : location;
            if (onClassPath) {
                path = path.replaceFirst("^/+", "");
            }
            if (path.isEmpty() || path.endsWith("/")) {
                for (String name : configNames()) {
                    for (String extension : List.of(".properties", ".yml", ".yaml")) {
                        document(onClassPath, path + name + profileSuffix + extension).ifPresent(documents::add);
                    }
                }
            } else if (profileSuffix.isEmpty()) {
                document(onClassPath, path).ifPresent(documents::add);
            } else {
                int dot = path.lastIndexOf('.');
                if (dot > path.lastIndexOf('/')) {
                    document(onClassPath, path.substring(0, dot) + profileSuffix + path.substring(dot))
                            .ifPresent(documents::add);
                }
            }
        }
        return documents;
    }

    private Optional<ConfigDocument> document(boolean onClassPath, String path) {
        String cacheKey = (onClassPath ? "classpath:" : "file:") + path;
        return read.computeIfAbsent(cacheKey, k -> {
            if (onClassPath) {
                return classPath.find(path);
            }
            Path file = workDir.resolve(path).normalize();
            String where = path.startsWith("/") ? path : path.startsWith("./") ? path : "./" + path;
            return ConfigFiles.read(file, where);
        });
    }

    /** Locations, the weakest first: Spring's defaults, or {@code spring.config.location}, then the additional. */
    private List<String> locations() {
        List<String> locations = new ArrayList<>();
        Optional<Found> replaced = findOutsideFiles("spring.config.location");
        if (replaced.isPresent()) {
            locations.addAll(split(replaced.get().value()));
        } else {
            locations.addAll(List.of("classpath:/", "classpath:/config/", "file:./", "file:./config/"));
        }
        findOutsideFiles("spring.config.additional-location").ifPresent(f -> locations.addAll(split(f.value())));
        return locations;
    }

    private static List<String> split(String value) {
        List<String> parts = new ArrayList<>();
        for (String part : value.split("[,;]")) {
            String location = part.trim().replaceFirst("^optional:", "");
            if (!location.isEmpty()) {
                parts.add(location);
            }
        }
        return parts;
    }

    private List<String> configNames() {
        return findOutsideFiles("spring.config.name").map(f -> split(f.value())).orElse(List.of("application"));
    }

    /** The class path the lookups read. */
    ClassPathFiles classPath() {
        return classPath;
    }

    /** The framework whose order the lookups follow (Helidon's, or else Spring Boot's). */
    Optional<Framework> framework() {
        return framework;
    }

    @Override
    public void close() {
        classPath.close();
    }
}
