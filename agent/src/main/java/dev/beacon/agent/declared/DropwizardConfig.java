package dev.beacon.agent.declared;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Dropwizard's ports: its configuration file is the argument after the {@code server} command
 * ({@code java -jar app.jar server config.yml}); the first application connector is {@code http}, the first admin
 * connector {@code admin} (the simple server's one connector is {@code http}), with Dropwizard's defaults 8080 and
 * 8081 when the file does not set them, and {@code -Ddw.<path>} overrides as Dropwizard applies them.
 */
final class DropwizardConfig {

    private DropwizardConfig() {
    }

    /** Whether the app's arguments are Dropwizard's {@code server <file>} command. */
    static boolean isServerCommand(String command) {
        List<String> arguments = DeclaredSources.arguments(command);
        int server = arguments.indexOf("server");
        return server >= 0 && server + 1 < arguments.size() && arguments.get(server + 1).matches(".*\\.(ya?ml|json)");
    }

    static Map<String, Integer> ports(String command, Map<?, ?> properties, Path workDir) {
        List<String> arguments = DeclaredSources.arguments(command);
        int server = arguments.indexOf("server");
        Map<String, String> values = new LinkedHashMap<>();
        if (server >= 0 && server + 1 < arguments.size()) {
            String file = arguments.get(server + 1);
            ConfigFiles.read(workDir.resolve(file), file).ifPresent(d -> values.putAll(d.values()));
        }
        properties.forEach((k, v) -> {
            if (k instanceof String key && key.startsWith("dw.") && v instanceof String value) {
                values.put(key.substring(3), value);
            }
        });
        Map<String, Integer> ports = new LinkedHashMap<>();
        boolean simple = "simple".equals(values.get("server.type"));
        if (simple) {
            first(values, "server.connector.port", 8080).ifPresent(p -> ports.put("http", p));
        } else {
            first(values, "server.applicationConnectors[0].port", 8080).ifPresent(p -> ports.put("http", p));
            first(values, "server.adminConnectors[0].port", 8081).ifPresent(p -> ports.put("admin", p));
        }
        return ports;
    }

    private static Optional<Integer> first(Map<String, String> values, String key, int defaultPort) {
        String value = values.get(key);
        return value == null ? Optional.of(defaultPort) : DeclaredApp.port(value);
    }
}
