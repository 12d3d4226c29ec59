package dev.beacon.agent.declared;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What the app itself declares, read where its framework reads it ({@link DeclaredSources}): its name, the roles of
 * the ports its configuration fixes, and the framework (for {@code health=auto}). Read once, on the agent's thread,
 * and only when {@code service=} is not given; nothing of it runs on the app's threads or before {@code main}.
 *
 * @param name      the declared name and its source; empty when the app declares none
 * @param ports     port roles ({@code http}, {@code management}, {@code admin}, {@code grpc}, a Helidon socket's
 *                  name) to the ports the configuration fixes (a port 0 or a placeholder fixes none), the app's own
 *                  first
 * @param framework the framework the app runs on, if it is one the agent knows
 */
public record DeclaredApp(Optional<Declared> name, Map<String, Integer> ports, Optional<Framework> framework) {

    /** A declared value and where it came from ({@code spring.application.name in BOOT-INF/classes/application.yml}). */
    public record Declared(String value, String source) {
    }

    /** The name properties, in the order they are tried. */
    static final List<String> NAME_KEYS = List.of("spring.application.name", "micronaut.application.name",
            "quarkus.application.name");
    /** For each port role, the keys that set it, in the order they are tried. */
    static final Map<String, List<String>> PORT_KEYS = portKeys();
    /** Helidon's named sockets looked at ({@code server.sockets[0..15]}). */
    static final int MAX_SOCKETS = 16;
    /** A port name the agent registers (as {@code ports=} accepts them). */
    private static final Pattern PORT_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,31}");

    public DeclaredApp {
        Objects.requireNonNull(name, "name");
        ports = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(ports));
        Objects.requireNonNull(framework, "framework");
    }

    /** Nothing declared. */
    public static DeclaredApp none() {
        return new DeclaredApp(Optional.empty(), Map.of(), Optional.empty());
    }

    private static Map<String, List<String>> portKeys() {
        Map<String, List<String>> keys = new LinkedHashMap<>();
        keys.put("http", List.of("server.port", "micronaut.server.port", "quarkus.http.port"));
        keys.put("grpc", List.of("spring.grpc.server.port", "grpc.server.port", "quarkus.grpc.server.port"));
        keys.put("management", List.of("management.server.port", "quarkus.management.port", "endpoints.all.port"));
        return keys;
    }

    /**
     * Reads what the app declares, from the JVM's system properties (its command line is {@code sun.java.command},
     * its class path {@code java.class.path}), the environment and the files under {@code workDir}. A bad file is one
     * WARN and is skipped; never throws for the app's configuration.
     */
    public static DeclaredApp read(Map<?, ?> properties, Map<String, String> env, Path workDir) {
        try {
            return readOrThrow(properties, env, workDir);
        } catch (RuntimeException | LinkageError e) {
            dev.beacon.agent.logging.AgentLog.get(DeclaredApp.class).warn("cannot read the app's declared "
                    + "configuration ({}); naming the service by its jar or main class", e.toString());
            return none();
        }
    }

    private static DeclaredApp readOrThrow(Map<?, ?> properties, Map<String, String> env, Path workDir) {
        String command = properties.get("sun.java.command") instanceof String s ? s.trim() : "";
        String main = command.isEmpty() ? "" : command.split("\\s+")[0];
        String classPath = properties.get("java.class.path") instanceof String cp ? cp : "";
        try (ClassPathFiles classPathFiles = new ClassPathFiles(classPath);
             DeclaredSources sources = new DeclaredSources(properties, env, workDir, classPathFiles,
                     Framework.detect(main, classPathFiles))) {
            Optional<Framework> framework = sources.framework();
            Optional<Declared> name = Optional.empty();
            // Helidon has no name property: its app is named by its jar or main class
            for (String key : framework.orElse(null) == Framework.HELIDON ? List.<String>of() : NAME_KEYS) {
                Optional<DeclaredSources.Found> found = find(sources, key, properties, env);
                if (found.isPresent() && !found.get().value().contains("${")) {
                    name = Optional.of(new Declared(found.get().value(), key + " in " + found.get().source()));
                    break;
                }
            }
            if (name.isEmpty() && framework.orElse(null) == Framework.QUARKUS) {
                name = quarkusAppJar(sources.classPath());
            }
            Map<String, Integer> ports = new LinkedHashMap<>();
            for (Map.Entry<String, List<String>> role : PORT_KEYS.entrySet()) {
                if (role.getKey().equals("management") && framework.orElse(null) == Framework.QUARKUS
                        && !find(sources, "quarkus.management.enabled", properties, env)
                        .map(f -> f.value().equals("true")).orElse(false)) {
                    continue; // Quarkus' management interface is off unless enabled
                }
                for (String key : role.getValue()) {
                    Optional<Integer> port = find(sources, key, properties, env).flatMap(f -> port(f.value()));
                    if (port.isPresent()) {
                        ports.putIfAbsent(role.getKey(), port.get());
                        break;
                    }
                }
            }
            if (framework.orElse(null) == Framework.HELIDON) {
                helidonSockets(sources).forEach((socket, port) -> {
                    if (!ports.containsValue(port)) {
                        ports.putIfAbsent(socket, port);
                    }
                });
            }
            if (framework.orElse(null) == Framework.DROPWIZARD || DropwizardConfig.isServerCommand(command)) {
                ports.putAll(DropwizardConfig.ports(command, properties, workDir));
                framework = Optional.of(Framework.DROPWIZARD);
            }
            return new DeclaredApp(name, ports, framework);
        }
    }

    /** Quarkus' profile-specific key first ({@code %prod.key}, the default runtime profile), then the key. */
    private static Optional<DeclaredSources.Found> find(DeclaredSources sources, String key, Map<?, ?> properties,
                                                         Map<String, String> env) {
        if (key.startsWith("quarkus.")) {
            String profile = properties.get("quarkus.profile") instanceof String p ? p
                    : env.getOrDefault("QUARKUS_PROFILE", "prod");
            Optional<DeclaredSources.Found> profiled = sources.find("%" + profile.trim() + "." + key);
            if (profiled.isPresent()) {
                return profiled;
            }
        }
        return sources.find(key);
    }

    /**
     * Helidon's named sockets ({@code server.sockets}: a list of {@code name}, {@code port}), each under its own name
     * when the configuration fixes its port; a name that is no valid port name ({@code [a-z0-9][a-z0-9._-]{0,31}}
     * once lower-cased) is left to the binding stack.
     */
    private static Map<String, Integer> helidonSockets(DeclaredSources sources) {
        Map<String, Integer> sockets = new LinkedHashMap<>();
        for (int i = 0; i < MAX_SOCKETS; i++) {
            Optional<DeclaredSources.Found> name = sources.find("server.sockets[" + i + "].name");
            if (name.isEmpty()) {
                break;
            }
            String role = name.get().value().toLowerCase(Locale.ROOT);
            Optional<Integer> port = sources.find("server.sockets[" + i + "].port").flatMap(f -> port(f.value()));
            if (port.isPresent() && PORT_NAME.matcher(role).matches()) {
                sockets.putIfAbsent(role, port.get());
            }
        }
        return sockets;
    }

    /** A fixed port: 1..65535; 0 (any), placeholders and garbage fix none. */
    static Optional<Integer> port(String value) {
        try {
            int port = Integer.parseInt(value.trim());
            return port >= 1 && port <= 65535 ? Optional.of(port) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Quarkus' default {@code quarkus.application.name} is the project's artifact: its jar in {@code app/}. */
    private static Optional<Declared> quarkusAppJar(ClassPathFiles classPath) {
        for (Path entry : classPath.entries()) {
            Path parent = entry.getParent();
            if (parent != null && parent.getFileName() != null && parent.getFileName().toString().equals("app")
                    && entry.getFileName().toString().endsWith(".jar")) {
                String file = entry.getFileName().toString();
                String base = file.substring(0, file.length() - 4).replaceFirst("-\\d[\\w.-]*$", "");
                return Optional.of(new Declared(base, "quarkus.application.name (Quarkus' default: the app's jar "
                        + parent.getParent().getFileName() + "/app/" + file + ")"));
            }
        }
        return Optional.empty();
    }
}
