package dev.beacon.json;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beacon.ServiceInstance;
import dev.beacon.Status;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InstanceJsonTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static final ServiceInstance FULL = ServiceInstance.builder("orders").id("o-1").host("10.0.0.5")
            .port(8080).status(Status.DRAINING).metadata(Map.of("zone", "eu-1", "version", "1.4"))
            .ports(Map.of("grpc", 9091, "admin", 9090)).build();
    private static final ServiceInstance BARE = ServiceInstance.builder("orders").id("o-2").host("::1").port(81)
            .build();

    @Test
    void of_writtenByObjectMapper_isExactlyThePublishedShape() throws Exception {
        assertThat(MAPPER.writeValueAsString(InstanceJson.of(FULL))).isEqualTo("{\"id\":\"o-1\",\"host\":\"10.0.0.5\","
                + "\"port\":8080,\"status\":\"DRAINING\",\"metadata\":{\"version\":\"1.4\",\"zone\":\"eu-1\"},"
                + "\"ports\":{\"admin\":9090,\"grpc\":9091}}");
        assertThat(MAPPER.writeValueAsString(InstanceJson.of(BARE))).isEqualTo("{\"id\":\"o-2\",\"host\":\"::1\","
                + "\"port\":81,\"status\":\"UP\",\"metadata\":{},\"ports\":{}}");
    }

    @Test
    void withService_putsTheServiceFirst() throws Exception {
        assertThat(MAPPER.writeValueAsString(InstanceJson.withService(BARE))).isEqualTo("{\"service\":\"orders\","
                + "\"id\":\"o-2\",\"host\":\"::1\",\"port\":81,\"status\":\"UP\",\"metadata\":{},\"ports\":{}}");
    }

    @Test
    void of_valuesArePlainJdkTypes() {
        Map<String, Object> shape = InstanceJson.of(FULL);

        assertThat(shape).containsExactly(Map.entry("id", "o-1"), Map.entry("host", "10.0.0.5"),
                Map.entry("port", 8080), Map.entry("status", "DRAINING"),
                Map.entry("metadata", Map.of("version", "1.4", "zone", "eu-1")),
                Map.entry("ports", Map.of("admin", 9090, "grpc", 9091)));
        assertThat(shape.get("port")).isInstanceOf(Integer.class);
        assertThat(shape.get("status")).isInstanceOf(String.class);
    }

    @Test
    void of_returnsAFreshMapACallerMayExtend_butNotTheInstancesMaps() {
        Map<String, Object> first = InstanceJson.of(FULL);
        first.put("expiresAt", "2030-01-01T00:00:00Z");

        assertThat(first).containsKey("expiresAt");
        assertThat(InstanceJson.of(FULL)).doesNotContainKey("expiresAt");
        @SuppressWarnings("unchecked")
        Map<String, String> metadata = (Map<String, String>) first.get("metadata");
        assertThatThrownBy(() -> metadata.put("zone", "x")).isInstanceOf(UnsupportedOperationException.class);
    }
}
