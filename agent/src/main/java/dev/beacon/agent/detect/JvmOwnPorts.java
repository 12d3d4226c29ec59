package dev.beacon.agent.detect;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Ports the JVM opens for itself and that must never be registered as the app's: the debugger
 * ({@code -agentlib:jdwp=...address=5005}) and JMX/RMI ({@code com.sun.management.jmxremote.port},
 * {@code com.sun.management.jmxremote.rmi.port}). Read from the system properties and, on Linux,
 * {@code /proc/self/cmdline}; no JMX or management classes are touched.
 */
public final class JvmOwnPorts {

    private static final Pattern JDWP_ADDRESS = Pattern.compile("-agentlib:jdwp=.*?address=(?:[^,:]*:)?(\\d+)");

    private JvmOwnPorts() {
    }

    public static Set<Integer> find(Map<?, ?> properties) {
        Set<Integer> ports = new HashSet<>();
        for (String key : new String[]{"com.sun.management.jmxremote.port", "com.sun.management.jmxremote.rmi.port"}) {
            Object value = properties.get(key);
            if (value instanceof String text) {
                try {
                    ports.add(Integer.parseInt(text.trim()));
                } catch (NumberFormatException ignored) {
                    // not a port: the JVM will complain itself
                }
            }
        }
        try {
            byte[] cmdline = Files.readAllBytes(Path.of("/proc/self/cmdline"));
            for (String arg : new String(cmdline, StandardCharsets.UTF_8).split("\0")) {
                Matcher matcher = JDWP_ADDRESS.matcher(arg);
                if (matcher.find()) {
                    ports.add(Integer.parseInt(matcher.group(1)));
                }
            }
        } catch (IOException | RuntimeException notLinux) {
            // no /proc: only the properties
        }
        return ports;
    }
}
