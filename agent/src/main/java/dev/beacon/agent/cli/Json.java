package dev.beacon.agent.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.beacon.ServiceInstance;
import dev.beacon.json.InstanceJson;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * How the command line writes {@code --json}: indented, except {@code watch}'s one object per line. The instance's
 * shape is {@link InstanceJson}'s, the same as the HTTP API's.
 */
final class Json {

    private static final ObjectMapper INDENTED = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final ObjectMapper COMPACT = new ObjectMapper();

    private Json() {
    }

    static List<Map<String, Object>> instances(List<ServiceInstance> instances) {
        return instances.stream().map(InstanceJson::of).toList();
    }

    /** {@code value} (maps, lists, JDK values) as indented JSON. */
    static String write(Object value) {
        return write(INDENTED, value);
    }

    /** {@code value} as JSON on one line. */
    static String compact(Object value) {
        return write(COMPACT, value);
    }

    private static String write(ObjectMapper mapper, Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    /** {@code key=value,…} for a table cell; {@code -} when empty. */
    static String join(Map<String, ?> map) {
        return map.isEmpty() ? "-" : map.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
    }
}
