package dev.beacon.server.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beacon.ServiceInstance;
import dev.beacon.json.InstanceJson;
import dev.beacon.registry.Lease;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How the HTTP API writes JSON: compact maps and lists of JDK values. An instance has {@link InstanceJson}'s shape,
 * the command line's; a listed one adds its lease where the registry reports leases, a picked one its URL. Request
 * bodies are read by {@link JsonBodyParser}. Thread-safe.
 */
final class Json {

    private static final ObjectMapper WRITER = new ObjectMapper();

    private Json() {
    }

    /** An object with these fields in this order: {@code object("service", name, "renewed", true)}. */
    public static Map<String, Object> object(Object... namesAndValues) {
        Map<String, Object> object = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            object.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return object;
    }

    public static List<Map<String, Object>> instances(List<ServiceInstance> instances) {
        return instances.stream().map(InstanceJson::of).toList();
    }

    /** The instances with their last heartbeat and lease end: {@code renewedAt}, {@code expiresAt}, ISO-8601. */
    public static List<Map<String, Object>> leases(List<Lease> leases) {
        return leases.stream().map(lease -> {
            Map<String, Object> instance = InstanceJson.of(lease.instance());
            instance.put("renewedAt", lease.renewedAt().toString());
            instance.put("expiresAt", lease.expiresAt().toString());
            return instance;
        }).toList();
    }

    /**
     * A picked instance: with its service first, and its primary port's {@code "url"}, {@code http://host:port}
     * (IPv6 literals in brackets: {@code http://[::1]:8080}).
     */
    public static Map<String, Object> picked(ServiceInstance instance) {
        Map<String, Object> picked = InstanceJson.withService(instance);
        picked.put("url", url(instance));
        return picked;
    }

    private static String url(ServiceInstance instance) {
        try {
            return instance.uri("http").toString();
        } catch (IllegalArgumentException notUriHost) {
            return "http://" + instance.address(); // a host name a URI cannot hold, such as one with '_'
        }
    }

    public static Map<String, Object> error(String message) {
        return object("error", message);
    }

    /** Compact JSON and a newline (friendly to curl). */
    public static byte[] bytes(Object value) {
        byte[] json = write(value);
        byte[] withNewline = Arrays.copyOf(json, json.length + 1);
        withNewline[json.length] = '\n';
        return withNewline;
    }

    /** Compact JSON on one line (for a Server-Sent Events {@code data:} field). */
    public static String line(Object value) {
        return new String(write(value), java.nio.charset.StandardCharsets.UTF_8);
    }

    private static byte[] write(Object value) {
        try {
            return WRITER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }
}
