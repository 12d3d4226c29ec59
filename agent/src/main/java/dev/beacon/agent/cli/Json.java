package dev.beacon.agent.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beacon.ServiceInstance;

import java.util.List;
import java.util.stream.Collectors;
import java.util.Map;

/** The command line's JSON shapes: an instance is {@code {"id","host","port","status","metadata","ports"}}. */
final class Json {

    static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Json() {
    }

    static ObjectNode instance(ServiceInstance instance) {
        ObjectNode node = dev.beacon.registry.spi.InstanceCodec.toJson(instance);
        node.remove("v");
        node.remove("service");
        return node;
    }

    static ArrayNode instances(List<ServiceInstance> instances) {
        ArrayNode array = MAPPER.createArrayNode();
        instances.forEach(instance -> array.add(instance(instance)));
        return array;
    }

    static String write(Object node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String compact(Object node) {
        try {
            return new ObjectMapper().writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String join(Map<String, ?> map) {
        return map.isEmpty() ? "-" : map.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
    }
}
