package dev.beacon.agent.config;

import java.util.Locale;
import java.util.Map;

/**
 * The service name when {@code service=} is not given: {@code spring.application.name} if set, else the jar's file
 * name without version ({@code orders-1.4.jar} → {@code orders}), else the main class's simple name in kebab case
 * ({@code OrderServiceApp} → {@code order-service-app}); made a valid service name.
 */
public final class DefaultServiceName {

    private DefaultServiceName() {
    }

    /** The default name for an app with these system properties ({@code sun.java.command} names its main). */
    public static String of(Map<?, ?> properties) {
        Object spring = properties.get("spring.application.name");
        if (spring instanceof String name && !name.isBlank()) {
            return sanitize(name);
        }
        Object command = properties.get("sun.java.command");
        if (command instanceof String line && !line.isBlank()) {
            String first = line.trim().split("\\s+")[0];
            if (first.endsWith(".jar")) {
                String file = first.substring(Math.max(first.lastIndexOf('/'), first.lastIndexOf('\\')) + 1);
                String base = file.substring(0, file.length() - 4).replaceFirst("-\\d[\\w.-]*$", "");
                return sanitize(base);
            }
            String simple = first.substring(first.lastIndexOf('.') + 1);
            return sanitize(simple.replaceAll("([a-z0-9])([A-Z])", "$1-$2"));
        }
        return "app";
    }

    /** Lower case, runs of other characters made {@code -}, no leading punctuation, at most 63 characters. */
    static String sanitize(String raw) {
        String name = raw.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]+", "-").replaceAll("^[^a-z0-9]+", "");
        if (name.length() > 63) {
            name = name.substring(0, 63);
        }
        return name.isEmpty() ? "app" : name;
    }
}
