package dev.beacon.server.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beacon.ServiceInstance;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * The JSON shapes of the HTTP API. An instance is the {@code list --json} shape of the command line:
 * {@code {"id", "host", "port", "status", "metadata": {…}, "ports": {…}}}; where it stands alone (a picked instance,
 * an event, a registration) {@code "service"} comes first. Request bodies are parsed strictly: bounded nesting,
 * string and number sizes, duplicate keys and trailing content refused.
 */
public final class Json {

    private static final ObjectMapper WRITER = new ObjectMapper();
    private static final ObjectMapper READER = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(8)
                    .maxNumberLength(32)
                    .maxStringLength(64 * 1024)
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private Json() {
    }

    public static ObjectNode object() {
        return WRITER.createObjectNode();
    }

    /** The instance in the {@code list --json} shape. */
    public static ObjectNode instance(ServiceInstance instance) {
        return fill(object(), instance);
    }

    /** The instance with its service first. */
    public static ObjectNode instanceWithService(ServiceInstance instance) {
        ObjectNode node = object();
        node.put("service", instance.service());
        return fill(node, instance);
    }

    /** The registry codec's instance shape without its version and service fields: id, host, port, status, … */
    private static ObjectNode fill(ObjectNode node, ServiceInstance instance) {
        ObjectNode stored = dev.beacon.registry.spi.InstanceCodec.toJson(instance);
        stored.remove("v");
        stored.remove("service");
        node.setAll(stored);
        return node;
    }

    public static ArrayNode instances(List<ServiceInstance> instances) {
        ArrayNode array = WRITER.createArrayNode();
        instances.forEach(instance -> array.add(instance(instance)));
        return array;
    }

    /** The instance with its lease: {@code renewedAt} (the last heartbeat) and {@code expiresAt}, ISO-8601. */
    public static ObjectNode lease(dev.beacon.registry.Lease lease) {
        ObjectNode node = instance(lease.instance());
        node.put("renewedAt", lease.renewedAt().toString());
        node.put("expiresAt", lease.expiresAt().toString());
        return node;
    }

    public static ArrayNode leases(List<dev.beacon.registry.Lease> leases) {
        ArrayNode array = WRITER.createArrayNode();
        leases.forEach(lease -> array.add(lease(lease)));
        return array;
    }

    /** {@code {"<service>": [instances…], …}} in the map's order. */
    public static ObjectNode services(Map<String, List<ServiceInstance>> services) {
        ObjectNode root = object();
        services.forEach((service, instances) -> root.set(service, instances(instances)));
        return root;
    }

    public static ObjectNode error(String message) {
        ObjectNode node = object();
        node.put("error", message);
        return node;
    }

    /** Compact JSON and a newline (friendly to curl). */
    public static byte[] bytes(JsonNode node) {
        try {
            byte[] json = WRITER.writeValueAsBytes(node);
            byte[] withNewline = java.util.Arrays.copyOf(json, json.length + 1);
            withNewline[json.length] = '\n';
            return withNewline;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    /** Compact JSON on one line (for a Server-Sent Events {@code data:} field). */
    public static String line(JsonNode node) {
        try {
            return WRITER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    /**
     * Parses a request body that must be one JSON object.
     *
     * @throws HttpError 400 saying what is wrong and where
     */
    public static ObjectNode parseObject(byte[] body) {
        if (body.length == 0) {
            throw HttpError.badRequest("the request body must be a JSON object, but was empty");
        }
        JsonNode node;
        try {
            node = READER.readTree(body);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw HttpError.badRequest("malformed JSON" + where + ": " + shorten(e.getOriginalMessage()));
        } catch (IOException e) {
            throw HttpError.badRequest("unreadable JSON: " + shorten(e.getMessage()));
        }
        if (node == null || !node.isObject()) {
            throw HttpError.badRequest("the request body must be a JSON object, but was "
                    + (node == null || node.isMissingNode() ? "empty" : "a JSON " + node.getNodeType()
                    .name().toLowerCase(java.util.Locale.ROOT)));
        }
        return (ObjectNode) node;
    }

    private static String shorten(String message) {
        if (message == null) {
            return "unknown error";
        }
        String oneLine = message.replaceAll("\\s+", " ");
        return oneLine.length() > 200 ? oneLine.substring(0, 200) + "…" : oneLine;
    }
}
