package dev.beacon.registry.zookeeper.internal;

import dev.beacon.ServiceInstance;
import dev.beacon.Status;
import dev.beacon.registry.spi.InstanceCodec;
import dev.beacon.registry.spi.InstanceCodec.InvalidEntryException;
import dev.beacon.registry.zookeeper.internal.ZooKeeperRegistryUri.PayloadStyle;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An instance node's data in Apache Curator's service-discovery JSON (what {@code JsonInstanceSerializer} writes
 * and reads), with Beacon's fields inside the payload:
 * <pre>{"name":"orders","id":"orders-1","address":"127.0.0.1","port":8080,"sslPort":null,
 *  "payload":{"@class":"java.util.LinkedHashMap","id":"orders-1","name":"orders",
 *             "metadata":{"version":"1.4","instance_status":"UP"},
 *             "beacon":{"v":1,"status":"UP","ports":{"admin":9090},"ttl":9000}},
 *  "registrationTimeUTC":1764970000000,"serviceType":"DYNAMIC","uriSpec":null,"enabled":true}</pre>
 * The payload's {@code id}, {@code name} and {@code metadata} are Spring Cloud Zookeeper's {@code ZookeeperInstance}
 * (whose {@code @class} the {@code spring-cloud} style writes); {@code instance_status} is its status key. A node
 * written by anyone else is read too: its metadata from the payload's {@code metadata} object, or from the payload
 * itself when that is an object of strings; no metadata otherwise (never an error). Thread-safe (stateless).
 */
public final class CuratorPayload {

    static final String MAP_CLASS = "java.util.LinkedHashMap";
    static final String SPRING_CLASS = "org.springframework.cloud.zookeeper.discovery.ZookeeperInstance";
    /** Spring Cloud Zookeeper's metadata key for the instance's status. */
    static final String STATUS_KEY = "instance_status";

    private CuratorPayload() {
    }

    /** A node's content read back: the instance and its lease length (zero: a node without Beacon's ttl). */
    public record Entry(ServiceInstance instance, long ttlMillis) {
    }

    /** The node data for {@code instance}, registered now with a lease of {@code ttl}. */
    public static byte[] encode(ServiceInstance instance, Duration ttl, PayloadStyle style, long nowMillis) {
        Map<String, Object> metadata = new LinkedHashMap<>(instance.metadata());
        metadata.put(STATUS_KEY, instance.status().name());
        Map<String, Object> beacon = new LinkedHashMap<>();
        beacon.put("v", InstanceCodec.VERSION);
        beacon.put("status", instance.status().name());
        beacon.put("ports", new LinkedHashMap<>(instance.ports()));
        beacon.put("ttl", ttl.toMillis());
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("@class", style == PayloadStyle.SPRING_CLOUD ? SPRING_CLASS : MAP_CLASS);
        payload.put("id", instance.id());
        payload.put("name", instance.service());
        payload.put("metadata", metadata);
        payload.put("beacon", beacon);
        Map<String, Object> node = new LinkedHashMap<>();
        node.put("name", instance.service());
        node.put("id", instance.id());
        node.put("address", instance.host());
        node.put("port", instance.port());
        node.put("sslPort", null);
        node.put("payload", payload);
        node.put("registrationTimeUTC", nowMillis);
        node.put("serviceType", "DYNAMIC");
        node.put("uriSpec", null);
        node.put("enabled", instance.status() == Status.UP);
        return InstanceCodec.toBytes(node);
    }

    /**
     * Reads a node of service {@code service} named {@code id} (the path is the truth; the JSON's name and id are
     * not checked against it).
     *
     * @throws InvalidEntryException when it is no Curator instance Beacon can list (no address, no port)
     */
    public static Entry decode(String service, String id, byte[] data) {
        if (data == null || data.length == 0) {
            throw new InvalidEntryException("empty node");
        }
        Map<String, Object> node = InstanceCodec.parse(data);
        String host = InstanceCodec.text(node, "address");
        Object port = node.get("port") != null ? node.get("port") : node.get("sslPort");
        if (!(port instanceof Long number) || number != number.intValue()) {
            throw new InvalidEntryException("field 'port' must be an integer");
        }
        Object payloadValue = node.get("payload");
        Map<String, Object> payload = payloadValue instanceof Map<?, ?> ? InstanceCodec.object(node, "payload")
                : Map.of();
        Object beaconValue = payload.get("beacon");
        ServiceInstance.Builder builder = ServiceInstance.builder(service).id(id).host(host).port(number.intValue());
        try {
            if (beaconValue instanceof Map<?, ?>) {
                Map<String, Object> beacon = InstanceCodec.object(payload, "beacon");
                Map<String, String> metadata = strings(payload.get("metadata"));
                metadata.remove(STATUS_KEY);
                builder.status(Status.parse(InstanceCodec.text(beacon, "status")));
                builder.metadata(metadata);
                Map<String, Integer> ports = new LinkedHashMap<>();
                for (Map.Entry<String, Object> named : InstanceCodec.object(beacon, "ports").entrySet()) {
                    if (!(named.getValue() instanceof Long p) || p != p.intValue()) {
                        throw new InvalidEntryException("port '" + named.getKey() + "' must be an integer");
                    }
                    ports.put(named.getKey(), p.intValue());
                }
                builder.ports(ports);
                Object ttl = beacon.get("ttl");
                return new Entry(builder.build(), ttl instanceof Long millis && millis > 0 ? millis : 0);
            }
            builder.status(foreignStatus(node, payload));
            ServiceInstance bare = builder.build();
            Map<String, String> metadata = payload.get("metadata") instanceof Map<?, ?> ? strings(payload.get("metadata"))
                    : strings(payload);
            metadata.remove(STATUS_KEY);
            metadata.remove("@class");
            return new Entry(withMetadata(bare, metadata), 0);
        } catch (IllegalArgumentException e) {
            throw new InvalidEntryException(e.getMessage());
        }
    }

    /** Curator's {@code enabled}, else Spring Cloud's {@code instance_status}, else UP. */
    private static Status foreignStatus(Map<String, Object> node, Map<String, Object> payload) {
        if (Boolean.FALSE.equals(node.get("enabled"))) {
            return Status.DOWN;
        }
        if (payload.get("metadata") instanceof Map<?, ?> metadata && metadata.get(STATUS_KEY) instanceof String text) {
            return text.equalsIgnoreCase("UP") ? Status.UP : Status.DOWN;
        }
        return Status.UP;
    }

    /** The instance with as much of {@code metadata} as Beacon accepts (entry by entry); none if it takes none. */
    private static ServiceInstance withMetadata(ServiceInstance bare, Map<String, String> metadata) {
        try {
            return bare.toBuilder().metadata(metadata).build();
        } catch (IllegalArgumentException whole) {
            Map<String, String> accepted = new LinkedHashMap<>();
            for (Map.Entry<String, String> entry : metadata.entrySet()) {
                Map<String, String> tried = new LinkedHashMap<>(accepted);
                tried.put(entry.getKey(), entry.getValue());
                try {
                    bare.toBuilder().metadata(tried).build();
                    accepted = tried;
                } catch (IllegalArgumentException skipped) {
                    // a key or value Beacon cannot carry (or one too many): left out, the instance is listed
                }
            }
            return bare.toBuilder().metadata(accepted).build();
        }
    }

    /** The string-valued fields of a JSON object; others (and anything that is no object) are left out. */
    private static Map<String, String> strings(Object value) {
        Map<String, String> strings = new LinkedHashMap<>();
        if (value instanceof Map<?, ?> map) {
            map.forEach((key, v) -> {
                if (v instanceof String text) {
                    strings.put(String.valueOf(key), text);
                }
            });
        }
        return strings;
    }
}
