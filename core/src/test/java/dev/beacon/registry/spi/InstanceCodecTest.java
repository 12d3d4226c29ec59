package dev.beacon.registry.spi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beacon.Maintenance;
import dev.beacon.ServiceInstance;
import dev.beacon.Status;
import dev.beacon.registry.spi.InstanceCodec.InvalidEntryException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The codec's own streaming reader and writer, checked against what Jackson's {@code ObjectMapper} reads and writes. */
class InstanceCodecTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static byte[] utf8(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void roundTrip_keepsEveryField_andExtraFields() throws Exception {
        ServiceInstance instance = ServiceInstance.builder("orders").id("o-1").host("10.0.0.5").port(8080)
                .status(Status.DOWN).metadata(Map.of("version", "1.4", "zone", "eu\"1\n\u00e9\u4e2d"))
                .ports(Map.of("admin", 9090)).build();
        Map<String, Object> node = InstanceCodec.toMap(instance);
        node.put("expiresAt", Long.MAX_VALUE);
        node.put("weight", 0.25);
        node.put("nothing", null);
        node.put("flag", true);
        List<Object> list = new ArrayList<>(List.of(1L, "two"));
        list.add(new LinkedHashMap<>(Map.of("three", 3L)));
        node.put("list", list);

        byte[] bytes = InstanceCodec.toBytes(node);
        Map<String, Object> read = InstanceCodec.parse(bytes);

        assertThat(InstanceCodec.fromMap(read)).isEqualTo(instance);
        assertThat(MAPPER.readTree(InstanceCodec.toBytes(read))).isEqualTo(MAPPER.readTree(bytes));
        assertThat(read).containsEntry("list", list).containsEntry("nothing", null).containsEntry("weight", 0.25);
        assertThat(InstanceCodec.longValue(read, "expiresAt")).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void roundTrip_instanceInMaintenance_keepsItsMaintenance() {
        Instant since = Instant.ofEpochMilli(1_780_000_000_123L);
        for (Optional<Instant> until : List.of(Optional.<Instant>empty(), Optional.of(since.plusSeconds(1800)))) {
            ServiceInstance shown = ServiceInstance.builder("orders").id("o-1").host("10.0.0.5").port(8080).build()
                    .inMaintenance(new Maintenance("kernel \"upgrade\"", "alice", since, until));

            Map<String, Object> read = InstanceCodec.parse(InstanceCodec.toBytes(InstanceCodec.toMap(shown)));

            assertThat(InstanceCodec.fromMap(read)).isEqualTo(shown);
            assertThat(InstanceCodec.object(read, "maintenance")).containsEntry("since", 1_780_000_000_123L);
        }
    }

    @Test
    void maintenanceFromMap_missingOrInvalidField_isAnInvalidEntry() {
        assertThatThrownBy(() -> InstanceCodec.maintenanceFromMap(Map.of("reason", "x", "since", 1L)))
                .isInstanceOf(InvalidEntryException.class).hasMessage("field 'by' must be a string");
        assertThatThrownBy(() -> InstanceCodec.maintenanceFromMap(Map.of("reason", "x", "by", "a", "since", 5L,
                "until", 5L))).isInstanceOf(InvalidEntryException.class).hasMessageStartingWith("maintenance must end");
        assertThatThrownBy(() -> InstanceCodec.maintenanceFromMap(Map.of("reason", "x", "by", "a", "since", 5L,
                "until", "soon"))).isInstanceOf(InvalidEntryException.class)
                .hasMessage("field 'until' must be an integer");
    }

    @Test
    void parse_readsWhatObjectMapperWrites() throws Exception {
        String json = "{\"v\":1,\"service\":\"a\",\"id\":\"i\",\"host\":\"h\",\"port\":1,\"status\":\"UP\","
                + "\"big\":123456789012345678901234567890,\"neg\":-5,\"f\":1.5e3,\"nested\":{\"a\":[[],{}]}}";
        JsonNode expected = MAPPER.readTree(json);

        Map<String, Object> read = InstanceCodec.parse(utf8(json));

        assertThat(MAPPER.readTree(InstanceCodec.toBytes(read))).isEqualTo(expected);
        assertThat(InstanceCodec.toString(read)).isEqualTo(MAPPER.writeValueAsString(expected));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "[1,2]", "\"text\"", "42", "null", "{\"a\":1} {\"b\":2}", "{\"a\":1}x",
        "{\"a\":", "{\"a\":1", "{\"a\" 1}", "{'a':1}", "{\"a\":[1,2}", "\u0000"})
    void parse_malformedOrNotAnObject_isOneInvalidEntryError(String json) {
        assertThatThrownBy(() -> InstanceCodec.parse(utf8(json))).isInstanceOf(InvalidEntryException.class)
                .hasMessageMatching("(not a JSON object|malformed JSON: .*)");
    }

    @Test
    void parse_deeplyNested_isRejectedWithoutStackOverflow() {
        String deep = "{\"a\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}";

        assertThatThrownBy(() -> InstanceCodec.parse(utf8(deep))).isInstanceOf(InvalidEntryException.class)
                .hasMessageContaining("nested deeper than");
    }

    @Test
    void parse_duplicateField_lastWins_asObjectMapperDoes() throws Exception {
        String json = "{\"port\":1,\"port\":2}";

        assertThat(MAPPER.readTree(InstanceCodec.toBytes(InstanceCodec.parse(utf8(json)))))
                .isEqualTo(MAPPER.readTree(json));
    }
}
