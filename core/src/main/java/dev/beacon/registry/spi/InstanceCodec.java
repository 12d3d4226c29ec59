package dev.beacon.registry.spi;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.beacon.Maintenance;
import dev.beacon.ServiceInstance;
import dev.beacon.Status;
import dev.beacon.support.Texts;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * JSON form of an instance as the registries store it. The model carries no serializer annotations; this is the one
 * place that knows the stored shape. Version 1:
 * <pre>{"v":1,"service":"orders","id":"…","host":"10.0.0.5","port":8080,"status":"UP",
 *  "metadata":{"version":"1.4"},"ports":{"admin":9090}, …extra fields of the registry…}</pre>
 * An instance shown in maintenance (a client's failover cache holds such) also has
 * {@code "maintenance":{"reason":"…","by":"alice","since":<epoch ms>,"until":<epoch ms>}} ({@code until} absent when
 * it lasts until lifted), the shape registries also store a maintenance record in ({@link #maintenanceToMap}).
 * Unknown fields are ignored; a missing or wrong-typed required field makes the entry invalid.
 *
 * <p>A JSON object is a plain {@code Map<String, Object>} here, in field order: its values are {@code String},
 * {@code Long} (or {@code BigInteger} beyond a long), {@code Double}, {@code Boolean}, {@code null}, {@code List} and
 * {@code Map}. So no JSON library's type is part of this SPI, and beacon-core needs only Jackson's streaming core: this
 * codec is on the agent's path to its first registration, and a data-binding {@code ObjectMapper} loads a few hundred
 * classes the app's startup would compete with. Thread-safe (stateless).
 */
public final class InstanceCodec {

    public static final int VERSION = 1;
    /** Deeper than any entry Beacon writes (two levels); a stored entry nested deeper is not one of ours. */
    private static final int MAX_DEPTH = 16;
    private static final JsonFactory FACTORY = new JsonFactory();

    private InstanceCodec() {
    }

    /** The instance as a new, mutable JSON object, to which a registry may add its own fields. */
    public static Map<String, Object> toMap(ServiceInstance instance) {
        Map<String, Object> object = new LinkedHashMap<>();
        object.put("v", VERSION);
        object.put("service", instance.service());
        object.put("id", instance.id());
        object.put("host", instance.host());
        object.put("port", instance.port());
        object.put("status", instance.status().name());
        object.put("metadata", new LinkedHashMap<>(instance.metadata()));
        object.put("ports", new LinkedHashMap<>(instance.ports()));
        instance.maintenance().ifPresent(m -> object.put("maintenance", maintenanceToMap(m)));
        return object;
    }

    /**
     * A maintenance as a new, mutable JSON object: {@code {"reason", "by", "since", "until"}}, times in epoch
     * milliseconds, {@code until} absent when it lasts until lifted.
     */
    public static Map<String, Object> maintenanceToMap(Maintenance maintenance) {
        Map<String, Object> object = new LinkedHashMap<>();
        object.put("reason", maintenance.reason());
        object.put("by", maintenance.by());
        object.put("since", maintenance.since().toEpochMilli());
        maintenance.until().ifPresent(until -> object.put("until", until.toEpochMilli()));
        return object;
    }

    /**
     * Reads a maintenance written by {@link #maintenanceToMap}.
     *
     * @throws InvalidEntryException saying what is wrong
     */
    public static Maintenance maintenanceFromMap(Map<String, ?> object) {
        try {
            Object until = object.get("until");
            return new Maintenance(text(object, "reason"), text(object, "by"),
                    Instant.ofEpochMilli(longValue(object, "since")),
                    until == null ? Optional.empty() : Optional.of(Instant.ofEpochMilli(longValue(object, "until"))));
        } catch (IllegalArgumentException e) {
            throw new InvalidEntryException(e.getMessage());
        }
    }

    /**
     * Writes a JSON object (as {@link #toMap} makes it, or as {@link #parse} reads it) as UTF-8.
     *
     * @throws IllegalArgumentException when a value is of no JSON type
     */
    public static byte[] toBytes(Map<String, ?> object) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator generator = FACTORY.createGenerator(out)) {
            write(generator, object);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialize an entry", e);
        }
        return out.toByteArray();
    }

    /** {@link #toBytes} as a string. */
    public static String toString(Map<String, ?> object) {
        return new String(toBytes(object), StandardCharsets.UTF_8);
    }

    private static void write(JsonGenerator generator, Object value) throws IOException {
        if (value == null) {
            generator.writeNull();
        } else if (value instanceof String text) {
            generator.writeString(text);
        } else if (value instanceof Map<?, ?> map) {
            generator.writeStartObject();
            for (Map.Entry<?, ?> field : map.entrySet()) {
                generator.writeFieldName(String.valueOf(field.getKey()));
                write(generator, field.getValue());
            }
            generator.writeEndObject();
        } else if (value instanceof List<?> list) {
            generator.writeStartArray();
            for (Object element : list) {
                write(generator, element);
            }
            generator.writeEndArray();
        } else if (value instanceof Integer || value instanceof Long || value instanceof Short
                || value instanceof Byte) {
            generator.writeNumber(((Number) value).longValue());
        } else if (value instanceof BigInteger big) {
            generator.writeNumber(big);
        } else if (value instanceof BigDecimal decimal) {
            generator.writeNumber(decimal);
        } else if (value instanceof Double || value instanceof Float) {
            generator.writeNumber(((Number) value).doubleValue());
        } else if (value instanceof Boolean flag) {
            generator.writeBoolean(flag);
        } else {
            throw new IllegalArgumentException("cannot store a " + value.getClass().getName() + " in JSON");
        }
    }

    /**
     * Parses stored bytes: one JSON object, nothing after it.
     *
     * @throws InvalidEntryException saying what is wrong
     */
    public static Map<String, Object> parse(byte[] bytes) {
        try (JsonParser parser = FACTORY.createParser(bytes)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new InvalidEntryException("not a JSON object");
            }
            Map<String, Object> object = readObject(parser, 1);
            if (parser.nextToken() != null) {
                throw new InvalidEntryException("malformed JSON: content after the object");
            }
            return object;
        } catch (JsonProcessingException e) {
            throw new InvalidEntryException("malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new InvalidEntryException("unreadable: " + e.getMessage());
        }
    }

    /** {@link #parse(byte[])} of a string. */
    public static Map<String, Object> parse(String text) {
        return parse(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Reads the object whose {@code START_OBJECT} the parser is on; a repeated field keeps its last value. */
    private static Map<String, Object> readObject(JsonParser parser, int depth) throws IOException {
        Map<String, Object> object = new LinkedHashMap<>();
        for (String name; (name = parser.nextFieldName()) != null; ) {
            object.remove(name);
            object.put(name, readValue(parser, parser.nextToken(), depth));
        }
        return object;
    }

    private static Object readValue(JsonParser parser, JsonToken token, int depth) throws IOException {
        if (token == null) {
            throw new InvalidEntryException("malformed JSON: unexpected end of input");
        }
        if ((token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) && depth >= MAX_DEPTH) {
            throw new InvalidEntryException("nested deeper than " + MAX_DEPTH + " levels");
        }
        return switch (token) {
            case START_OBJECT -> readObject(parser, depth + 1);
            case START_ARRAY -> {
                List<Object> array = new ArrayList<>();
                for (JsonToken next; (next = parser.nextToken()) != JsonToken.END_ARRAY; ) {
                    array.add(readValue(parser, next, depth + 1));
                }
                yield array;
            }
            case VALUE_STRING -> parser.getText();
            case VALUE_NUMBER_INT -> switch (parser.getNumberType()) {
                case INT, LONG -> parser.getLongValue();
                default -> parser.getBigIntegerValue();
            };
            case VALUE_NUMBER_FLOAT -> parser.getDoubleValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            default -> throw new InvalidEntryException("malformed JSON: unexpected " + token);
        };
    }

    /**
     * Reads the instance part of a stored entry.
     *
     * @throws InvalidEntryException saying what is wrong (unknown version, missing field, invalid value)
     */
    public static ServiceInstance fromMap(Map<String, ?> object) {
        Object version = object.get("v");
        if (!(version instanceof Long v) || v != VERSION) {
            throw new InvalidEntryException("unsupported entry version " + shown(version) + " (expected " + VERSION
                    + ")");
        }
        Object maintenance = object.get("maintenance");
        try {
            return new ServiceInstance(
                    text(object, "service"),
                    text(object, "id"),
                    text(object, "host"),
                    integer(object, "port"),
                    Status.parse(text(object, "status")),
                    stringMap(object.get("metadata")),
                    intMap(object.get("ports")),
                    maintenance == null ? Optional.empty() : Optional.of(maintenanceFromMap(object(object,
                            "maintenance"))));
        } catch (IllegalArgumentException e) {
            throw new InvalidEntryException(e.getMessage());
        }
    }

    /**
     * The string field {@code field}.
     *
     * @throws InvalidEntryException when it is missing or not a string
     */
    public static String text(Map<String, ?> object, String field) {
        if (!(object.get(field) instanceof String value)) {
            throw new InvalidEntryException("field '" + field + "' must be a string");
        }
        return value;
    }

    /**
     * The integer field {@code field}, within an {@code int}.
     *
     * @throws InvalidEntryException when it is missing, not an integer or too large
     */
    public static int integer(Map<String, ?> object, String field) {
        if (!(object.get(field) instanceof Long value) || value != value.intValue()) {
            throw new InvalidEntryException("field '" + field + "' must be an integer");
        }
        return value.intValue();
    }

    /**
     * The integer field {@code field}, within a {@code long}.
     *
     * @throws InvalidEntryException when it is missing or not an integer within a long
     */
    public static long longValue(Map<String, ?> object, String field) {
        if (!(object.get(field) instanceof Long value)) {
            throw new InvalidEntryException("field '" + field + "' must be an integer");
        }
        return value;
    }

    /**
     * The object field {@code field}, or an empty map when it is missing or null.
     *
     * @throws InvalidEntryException when it is something else than an object
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> object(Map<String, ?> object, String field) {
        Object value = object.get(field);
        if (value == null) {
            return Map.of();
        }
        if (!(value instanceof Map<?, ?>)) {
            throw new InvalidEntryException("field '" + field + "' must be an object");
        }
        return (Map<String, Object>) value;
    }

    private static Map<String, String> stringMap(Object value) {
        if (value == null) {
            return Map.of();
        }
        if (!(value instanceof Map<?, ?> node)) {
            throw new InvalidEntryException("field 'metadata' must be an object");
        }
        Map<String, String> map = new LinkedHashMap<>();
        for (Map.Entry<?, ?> entry : node.entrySet()) {
            if (!(entry.getValue() instanceof String text)) {
                throw new InvalidEntryException("metadata '" + entry.getKey() + "' must be a string");
            }
            map.put(String.valueOf(entry.getKey()), text);
        }
        return map;
    }

    private static Map<String, Integer> intMap(Object value) {
        if (value == null) {
            return Map.of();
        }
        if (!(value instanceof Map<?, ?> node)) {
            throw new InvalidEntryException("field 'ports' must be an object");
        }
        Map<String, Integer> map = new LinkedHashMap<>();
        for (Map.Entry<?, ?> entry : node.entrySet()) {
            if (!(entry.getValue() instanceof Long port) || port != port.intValue()) {
                throw new InvalidEntryException("port '" + entry.getKey() + "' must be an integer");
            }
            map.put(String.valueOf(entry.getKey()), port.intValue());
        }
        return map;
    }

    private static String shown(Object value) {
        return value instanceof String text ? Texts.quote(text) : String.valueOf(value);
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
