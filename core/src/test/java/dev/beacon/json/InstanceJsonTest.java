package dev.beacon.json;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beacon.Maintenance;
import dev.beacon.ServiceInstance;
import dev.beacon.Status;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

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

    @Test
    void of_inMaintenance_addsTheMaintenanceFieldAtTheEnd() throws Exception {
        Instant since = Instant.parse("2026-12-05T14:31:51.123Z");
        ServiceInstance timed = BARE.inMaintenance(new Maintenance("kernel upgrade", "alice", since,
                Optional.of(Instant.parse("2026-12-05T15:01:51.123Z"))));
        ServiceInstance open = BARE.inMaintenance(new Maintenance("", "bob", since, Optional.empty()));

        assertThat(MAPPER.writeValueAsString(InstanceJson.of(timed))).isEqualTo("{\"id\":\"o-2\",\"host\":\"::1\","
                + "\"port\":81,\"status\":\"MAINTENANCE\",\"metadata\":{},\"ports\":{},\"maintenance\":{"
                + "\"reason\":\"kernel upgrade\",\"by\":\"alice\",\"since\":\"2026-12-05T14:31:51.123Z\","
                + "\"until\":\"2026-12-05T15:01:51.123Z\"}}");
        assertThat(MAPPER.writeValueAsString(InstanceJson.of(open))).endsWith(",\"maintenance\":{\"reason\":\"\","
                + "\"by\":\"bob\",\"since\":\"2026-12-05T14:31:51.123Z\"}}");
        assertThat(InstanceJson.of(BARE)).doesNotContainKey("maintenance");
    }
}
