package dev.beacon.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beacon.ServiceInstance;
import dev.beacon.Status;
import dev.beacon.registry.Ttl;
import dev.beacon.support.Texts;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The body of {@code PUT /services/{name}/instances/{id}}:
 * {@code {"host": "10.0.0.5", "port": 8080, "status": "UP", "metadata": {…}, "ports": {…}, "ttl": "30s"}}; host and
 * port are required, status defaults to UP, ttl to 30 s (a string such as {@code "30s"} or a number of seconds).
 * Unknown fields, wrong types and invalid values are refused with a message naming the field.
 *
 * @param instance the instance to register
 * @param ttl      its lease
 */
record RegistrationRequest(ServiceInstance instance, Duration ttl) {

    static final Duration DEFAULT_TTL = Duration.ofSeconds(30);
    private static final Set<String> FIELDS = Set.of("host", "port", "status", "metadata", "ports", "ttl");

    /**
     * Reads a registration for {@code service}/{@code id} (both already validated, from the path).
     *
     * @throws HttpError 400 naming the bad field and what is valid
     */
    static RegistrationRequest parse(String service, String id, byte[] body) {
        ObjectNode node = JsonBodyParser.parseObject(body);
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                String hint = name.equals("service") || name.equals("id")
                        ? "; the " + name + " comes from the path, /services/{name}/instances/{id}" : "";
                throw HttpError.badRequest("unknown field " + Texts.quote(name)
                        + "; valid: host, port, status, metadata, ports, ttl" + hint);
            }
        }
        String host = requiredText(node, "host");
        int port = requiredInt(node, "port");
        Status status = present(node, "status") ? Status.parse(text(node, "status")) : Status.UP;
        Map<String, String> metadata = present(node, "metadata") ? metadata(node.get("metadata")) : Map.of();
        Map<String, Integer> ports = present(node, "ports") ? ports(node.get("ports")) : Map.of();
        Duration ttl = DEFAULT_TTL;
        if (present(node, "ttl")) {
            JsonNode value = node.get("ttl");
            if (value.isTextual()) {
                ttl = Ttl.parse(value.asText());
            } else if (value.isIntegralNumber() && value.canConvertToLong()) {
                ttl = Ttl.ofSeconds(value.longValue());
            } else {
                throw HttpError.badRequest("field 'ttl' must be a duration string such as \"30s\" or a whole "
                        + "number of seconds, but was " + describe(value));
            }
        }
        // The record validates host, port, metadata and ports, naming the bad value (IllegalArgumentException: 400).
        return new RegistrationRequest(new ServiceInstance(service, id, host, port, status, metadata, ports), ttl);
    }

    private static boolean present(ObjectNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && !value.isNull();
    }

    private static String requiredText(ObjectNode node, String field) {
        if (!present(node, field)) {
            throw HttpError.badRequest("field '" + field + "' is required");
        }
        return text(node, field);
    }

    private static String text(ObjectNode node, String field) {
        JsonNode value = node.get(field);
        if (!value.isTextual()) {
            throw HttpError.badRequest("field '" + field + "' must be a string, but was " + describe(value));
        }
        return value.asText();
    }

    private static int requiredInt(ObjectNode node, String field) {
        if (!present(node, field)) {
            throw HttpError.badRequest("field '" + field + "' is required");
        }
        JsonNode value = node.get(field);
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw HttpError.badRequest("field '" + field + "' must be an integer 1..65535, but was "
                    + describe(value));
        }
        return value.intValue();
    }

    private static Map<String, String> metadata(JsonNode node) {
        if (!node.isObject()) {
            throw HttpError.badRequest("field 'metadata' must be an object of strings, but was " + describe(node));
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            if (!entry.getValue().isTextual()) {
                throw HttpError.badRequest("metadata value of " + Texts.quote(entry.getKey())
                        + " must be a string, but was " + describe(entry.getValue()));
            }
            metadata.put(entry.getKey(), entry.getValue().asText());
        }
        return metadata;
    }

    private static Map<String, Integer> ports(JsonNode node) {
        if (!node.isObject()) {
            throw HttpError.badRequest("field 'ports' must be an object of port numbers, but was " + describe(node));
        }
        Map<String, Integer> ports = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            JsonNode value = entry.getValue();
            if (!value.isIntegralNumber() || !value.canConvertToInt()) {
                throw HttpError.badRequest("port " + Texts.quote(entry.getKey()) + " must be an integer 1..65535, "
                        + "but was " + describe(value));
            }
            ports.put(entry.getKey(), value.intValue());
        }
        return ports;
    }

    private static String describe(JsonNode value) {
        String type = value.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        return value.isValueNode() ? "the " + type + " " + Texts.quote(value.asText()) : "a JSON " + type;
    }
}
