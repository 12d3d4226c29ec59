package dev.beacon.registry.spi;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beacon.ServiceInstance;
import dev.beacon.Status;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * JSON form of an instance as the registries store it. The model carries no serializer annotations; this is the one
 * place that knows the stored shape. Version 1:
 * <pre>{"v":1,"service":"orders","id":"…","host":"10.0.0.5","port":8080,"status":"UP",
 *  "metadata":{"version":"1.4"},"ports":{"admin":9090}, …extra fields of the registry…}</pre>
 * Unknown fields are ignored; a missing or wrong-typed required field makes the entry invalid.
 *
 * <p>Reads and writes with Jackson's streaming parser and generator into a plain tree, without an
 * {@code ObjectMapper}: this codec is on the agent's path to its first registration, and an {@code ObjectMapper}
 * loads a few hundred classes the app's startup would compete with.
 */
public final class InstanceCodec {

    public static final int VERSION = 1;
    /** Deeper than any entry Beacon writes (two levels); a stored entry nested deeper is not one of ours. */
    private static final int MAX_DEPTH = 16;
    private static final JsonFactory FACTORY = new JsonFactory();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private InstanceCodec() {
    }

    /** The instance as a JSON object, to which a registry may add its own fields. */
    public static ObjectNode toJson(ServiceInstance instance) {
        ObjectNode node = NODES.objectNode();
        node.put("v", VERSION);
        node.put("service", instance.service());
        node.put("id", instance.id());
        node.put("host", instance.host());
        node.put("port", instance.port());
        node.put("status", instance.status().name());
        ObjectNode metadata = node.putObject("metadata");
        instance.metadata().forEach(metadata::put);
        ObjectNode ports = node.putObject("ports");
        instance.ports().forEach(ports::put);
        return node;
    }

    public static byte[] toBytes(JsonNode node) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator generator = FACTORY.createGenerator(out)) {
            write(generator, node);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialize an entry", e);
        }
        return out.toByteArray();
    }

    private static void write(JsonGenerator generator, JsonNode node) throws IOException {
        switch (node.getNodeType()) {
            case OBJECT -> {
                generator.writeStartObject();
                for (var field : node.properties()) {
                    generator.writeFieldName(field.getKey());
                    write(generator, field.getValue());
                }
                generator.writeEndObject();
            }
            case ARRAY -> {
                generator.writeStartArray();
                for (JsonNode element : node) {
                    write(generator, element);
                }
                generator.writeEndArray();
            }
            case STRING -> generator.writeString(node.textValue());
            case NUMBER -> {
                if (node.isIntegralNumber()) {
                    generator.writeNumber(node.bigIntegerValue());
                } else if (node.isBigDecimal()) {
                    generator.writeNumber(node.decimalValue());
                } else {
                    generator.writeNumber(node.doubleValue());
                }
            }
            case BOOLEAN -> generator.writeBoolean(node.booleanValue());
            case NULL -> generator.writeNull();
            default -> throw new IllegalArgumentException("cannot store a " + node.getNodeType() + " node");
        }
    }

    public static String toString(JsonNode node) {
        return new String(toBytes(node), java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * Parses stored bytes.
     *
     * @throws InvalidEntryException saying what is wrong
     */
    public static JsonNode parse(byte[] bytes) {
        try (JsonParser parser = FACTORY.createParser(bytes)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new InvalidEntryException("not a JSON object");
            }
            ObjectNode node = readObject(parser, 1);
            if (parser.nextToken() != null) {
                throw new InvalidEntryException("malformed JSON: content after the object");
            }
            return node;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new InvalidEntryException("malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new InvalidEntryException("unreadable: " + e.getMessage());
        }
    }

    /** Reads the object whose {@code START_OBJECT} the parser is on. */
    private static ObjectNode readObject(JsonParser parser, int depth) throws IOException {
        ObjectNode object = NODES.objectNode();
        for (String name; (name = parser.nextFieldName()) != null; ) {
            object.set(name, readValue(parser, parser.nextToken(), depth));
        }
        return object;
    }

    private static JsonNode readValue(JsonParser parser, JsonToken token, int depth) throws IOException {
        if (token == null) {
            throw new InvalidEntryException("malformed JSON: unexpected end of input");
        }
        if ((token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) && depth >= MAX_DEPTH) {
            throw new InvalidEntryException("nested deeper than " + MAX_DEPTH + " levels");
        }
        return switch (token) {
            case START_OBJECT -> readObject(parser, depth + 1);
            case START_ARRAY -> {
                ArrayNode array = NODES.arrayNode();
                for (JsonToken next; (next = parser.nextToken()) != JsonToken.END_ARRAY; ) {
                    array.add(readValue(parser, next, depth + 1));
                }
                yield array;
            }
            case VALUE_STRING -> NODES.textNode(parser.getText());
            case VALUE_NUMBER_INT -> switch (parser.getNumberType()) {
                case INT -> NODES.numberNode(parser.getIntValue());
                case LONG -> NODES.numberNode(parser.getLongValue());
                default -> NODES.numberNode(parser.getBigIntegerValue());
            };
            case VALUE_NUMBER_FLOAT -> NODES.numberNode(parser.getDoubleValue()); // as ObjectMapper reads it
            case VALUE_TRUE -> NODES.booleanNode(true);
            case VALUE_FALSE -> NODES.booleanNode(false);
            case VALUE_NULL -> NODES.nullNode();
            default -> throw new InvalidEntryException("malformed JSON: unexpected " + token);
        };
    }

    /**
     * Reads the instance part of a stored entry.
     *
     * @throws InvalidEntryException saying what is wrong (unknown version, missing field, invalid value)
     */
    public static ServiceInstance fromJson(JsonNode node) {
        int version = node.path("v").asInt(-1);
        if (version != VERSION) {
            throw new InvalidEntryException("unsupported entry version " + node.path("v") + " (expected " + VERSION + ")");
        }
        try {
            return new ServiceInstance(
                    text(node, "service"),
                    text(node, "id"),
                    text(node, "host"),
                    integer(node, "port"),
                    Status.parse(text(node, "status")),
                    stringMap(node.path("metadata")),
                    intMap(node.path("ports")));
        } catch (IllegalArgumentException e) {
            throw new InvalidEntryException(e.getMessage());
        }
    }

    public static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new InvalidEntryException("field '" + field + "' must be a string");
        }
        return value.asText();
    }

    public static int integer(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.canConvertToInt() || !value.isIntegralNumber()) {
            throw new InvalidEntryException("field '" + field + "' must be an integer");
        }
        return value.intValue();
    }

    public static long longValue(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isIntegralNumber() || !value.canConvertToLong()) {
            throw new InvalidEntryException("field '" + field + "' must be an integer");
        }
        return value.longValue();
    }

    private static Map<String, String> stringMap(JsonNode node) {
        if (node.isMissingNode() || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw new InvalidEntryException("field 'metadata' must be an object");
        }
        Map<String, String> map = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (!entry.getValue().isTextual()) {
                throw new InvalidEntryException("metadata '" + entry.getKey() + "' must be a string");
            }
            map.put(entry.getKey(), entry.getValue().asText());
        }
        return map;
    }

    private static Map<String, Integer> intMap(JsonNode node) {
        if (node.isMissingNode() || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw new InvalidEntryException("field 'ports' must be an object");
        }
        Map<String, Integer> map = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (!entry.getValue().isIntegralNumber() || !entry.getValue().canConvertToInt()) {
                throw new InvalidEntryException("port '" + entry.getKey() + "' must be an integer");
            }
            map.put(entry.getKey(), entry.getValue().intValue());
        }
        return map;
    }

    /**
     * A stored entry that cannot be read; readers skip it with one warning. The message quotes stored data, which
     * anyone who can write the registry controls: it is kept to one line of at most {@value #MAX_MESSAGE} characters.
     */
    public static final class InvalidEntryException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        static final int MAX_MESSAGE = 300;

        public InvalidEntryException(String message) {
            super(oneShortLine(message));
        }

        private static String oneShortLine(String message) {
            String text = String.valueOf(message);
            StringBuilder line = new StringBuilder(Math.min(text.length(), MAX_MESSAGE) + 24);
            int i = 0;
            for (; i < text.length() && line.length() < MAX_MESSAGE; i++) {
                char c = text.charAt(i);
                if (c < 0x20 || c == 0x7f || c == 0x2028 || c == 0x2029) {
                    line.append(String.format("\\u%04x", (int) c));
                } else {
                    line.append(c);
                }
            }
            if (i < text.length()) {
                line.append("…(").append(text.length()).append(" chars)");
            }
            return line.toString();
        }
    }
}
