package dev.beacon.json;

import dev.beacon.Maintenance;
import dev.beacon.ServiceInstance;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JSON shape in which Beacon shows an instance: the command line's {@code --json} output ({@code list},
 * {@code get}, {@code pick}, {@code register}, {@code watch}) and every body of the HTTP API that holds an instance.
 * <pre>{"id":"orders-1","host":"10.0.0.5","port":8080,"status":"UP","metadata":{"zone":"eu-1"},"ports":{"admin":9090}}</pre>
 * An instance in maintenance has the status {@code "MAINTENANCE"} and one more field, {@code "maintenance"}
 * ({@link #maintenance}); an instance not in maintenance has no such field.
 * Where an instance stands alone (a picked instance, an event, a registration) {@code "service"} comes first
 * ({@link #withService}). Fields come in this order; metadata and ports in the model's order (by key). The shape is a
 * published format: fields may be added at the end, never renamed, reordered or removed.
 *
 * <p>It is given as plain JDK values &mdash; a map of {@code String}, {@code Integer} and maps of those &mdash; so that
 * any JSON writer serializes it (Jackson's {@code ObjectMapper} does as is), including the agent's shaded copy of
 * Jackson, and no JSON library's type is part of Beacon's API. Unlike
 * {@link dev.beacon.registry.spi.InstanceCodec}, the format registries store (versioned, with registry fields), this
 * is what people and scripts read. Thread-safe (stateless).
 */
public final class InstanceJson {

    private InstanceJson() {
    }

    /**
     * The instance as {@code {"id", "host", "port", "status", "metadata", "ports"}}.
     *
     * @return a new modifiable map in the shape's order, to which a caller may append fields of its own (the HTTP
     *         API appends lease times); the metadata and ports values are unmodifiable
     */
    public static Map<String, Object> of(ServiceInstance instance) {
        return fill(new LinkedHashMap<>(8), instance);
    }

    /**
     * The instance as {@code {"service", "id", "host", "port", "status", "metadata", "ports"}}: for an instance
     * shown on its own, without its service around it.
     *
     * @return a new modifiable map in the shape's order, as {@link #of}
     */
    public static Map<String, Object> withService(ServiceInstance instance) {
        Map<String, Object> shape = new LinkedHashMap<>(8);
        shape.put("service", instance.service());
        return fill(shape, instance);
    }

    private static Map<String, Object> fill(Map<String, Object> shape, ServiceInstance instance) {
        shape.put("id", instance.id());
        shape.put("host", instance.host());
        shape.put("port", instance.port());
        shape.put("status", instance.status().name());
        shape.put("metadata", instance.metadata());
        shape.put("ports", instance.ports());
        instance.maintenance().ifPresent(m -> shape.put("maintenance", maintenance(m)));
        return shape;
    }

    /**
     * A maintenance as {@code {"reason": "kernel upgrade", "by": "alice", "since": "2026-12-05T14:31:51.123Z",
     * "until": "2026-12-05T15:01:51.123Z"}}: times in ISO-8601 UTC, {@code until} absent when it lasts until lifted.
     *
     * @return a new modifiable map in this order
     */
    public static Map<String, Object> maintenance(Maintenance maintenance) {
        Map<String, Object> shape = new LinkedHashMap<>(4);
        shape.put("reason", maintenance.reason());
        shape.put("by", maintenance.by());
        shape.put("since", maintenance.since().toString());
        maintenance.until().ifPresent(until -> shape.put("until", until.toString()));
        return shape;
    }
}
