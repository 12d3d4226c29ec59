package dev.beacon.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beacon.ServiceInstance;
import dev.beacon.Status;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code GET /prometheus/targets}, read as Prometheus' HTTP service discovery reads it, over a memory registry. */
class BeaconServerPrometheusTest {

    private final SwitchableRegistry registry = new SwitchableRegistry();
    private final List<TestServer> servers = new ArrayList<>();

    @AfterEach
    void close() {
        servers.forEach(TestServer::close);
        registry.close();
    }

    private TestServer start(BeaconServer.Builder builder) {
        TestServer server = new TestServer(builder);
        servers.add(server);
        return server;
    }

    private void register(ServiceInstance.Builder instance) {
        registry.register(instance.build(), Duration.ofMinutes(5));
    }

    /** The reply as Prometheus checks it: 200, its content type, then the documented schema. */
    private static JsonNode targets(TestServer server) {
        TestServer.Reply reply = server.send(HttpRequest.newBuilder(server.uri("/prometheus/targets"))
                .header("Accept", "application/json").header("X-Prometheus-Refresh-Interval-Seconds", "30").GET());
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        // Prometheus' own check (discovery/http): ^(?i:application\/json(;\s*charset=("utf-8"|utf-8))?)$
        assertThat(reply.header("Content-Type")).matches("(?i)application/json(;\\s*charset=(\"utf-8\"|utf-8))?");
        JsonNode json = reply.json();
        assertThat(HttpSdSchema.violations(json)).as(reply.body()).isEmpty();
        return json;
    }

    private static Map<String, String> labels(JsonNode group) {
        Map<String, String> labels = new LinkedHashMap<>();
        group.get("labels").fields().forEachRemaining(field -> labels.put(field.getKey(), field.getValue().asText()));
        return labels;
    }

    @Test
    void targets_emptyRegistry_is200WithAnEmptyList() {
        TestServer server = start(BeaconServer.builder(registry));

        JsonNode json = targets(server);

        assertThat(json.isArray()).isTrue();
        assertThat(json.size()).isZero();
    }

    @Test
    void targets_everyInstanceOfEveryStatus_oneGroupEach_sortedByServiceAndId() {
        register(ServiceInstance.builder("orders").id("o-2").host("10.0.0.2").port(8080).status(Status.DOWN));
        register(ServiceInstance.builder("orders").id("o-1").host("10.0.0.1").port(8080)
                .metadata("zone", "eu-1"));
        register(ServiceInstance.builder("billing").id("b-1").host("10.0.0.3").port(8081).status(Status.STARTING));
        TestServer server = start(BeaconServer.builder(registry));

        JsonNode json = targets(server);

        assertThat(json.size()).isEqualTo(3);
        assertThat(json.findValuesAsText("__meta_beacon_id")).containsExactly("b-1", "o-1", "o-2");
        assertThat(labels(json.get(1))).containsExactly(
                Map.entry("__meta_beacon_service", "orders"),
                Map.entry("__meta_beacon_id", "o-1"),
                Map.entry("__meta_beacon_status", "UP"),
                Map.entry("__meta_beacon_zone", "eu-1"),
                Map.entry("__meta_beacon_metadata_zone", "eu-1"));
        assertThat(json.get(1).get("targets").get(0).asText()).isEqualTo("10.0.0.1:8080");
        assertThat(labels(json.get(0))).containsEntry("__meta_beacon_status", "STARTING")
                .containsEntry("__meta_beacon_zone", "");
        assertThat(labels(json.get(2))).containsEntry("__meta_beacon_status", "DOWN");
    }

    @Test
    void targets_port_isTheMetricsPort_elseTheManagementPort_elseThePrimaryPort() {
        register(ServiceInstance.builder("app").id("both").host("10.0.0.1").port(8080)
                .ports(Map.of("metrics", 9100, "management", 9200, "admin", 9300)));
        register(ServiceInstance.builder("app").id("management").host("10.0.0.2").port(8080)
                .ports(Map.of("management", 9200, "admin", 9300)));
        register(ServiceInstance.builder("app").id("primary").host("10.0.0.3").port(8080)
                .ports(Map.of("admin", 9300)));
        TestServer server = start(BeaconServer.builder(registry));

        JsonNode json = targets(server);

        assertThat(json.findValues("targets")).extracting(targets -> targets.get(0).asText())
                .containsExactly("10.0.0.1:9100", "10.0.0.2:9200", "10.0.0.3:8080");
    }

    @Test
    void targets_ipv6Hosts_areBracketed() {
        register(ServiceInstance.builder("app").id("v6").host("fd00::7").port(8080).ports(Map.of("metrics", 9100)));
        register(ServiceInstance.builder("app").id("v6-primary").host("::1").port(8080));
        register(ServiceInstance.builder("app").id("v6-zone").host("fe80::1%eth0").port(8080));
        TestServer server = start(BeaconServer.builder(registry));

        JsonNode json = targets(server);

        assertThat(json.findValues("targets")).extracting(targets -> targets.get(0).asText())
                .containsExactly("[fd00::7]:9100", "[::1]:8080", "[fe80::1%eth0]:8080");
    }

    @Test
    void targets_metadataKeys_becomeValidLabelNames_anExactKeyWinsACollision() {
        register(ServiceInstance.builder("app").id("a").host("10.0.0.1").port(8080).metadata(Map.of(
                "version", "1.4", "build.sha", "abc", "team-name", "payments", "9lives", "yes",
                "a.b", "dotted", "a_b", "exact", "a-b", "dashed", "x.y", "first", "x-y", "second")));
        TestServer server = start(BeaconServer.builder(registry));

        Map<String, String> labels = labels(targets(server).get(0));

        assertThat(labels).containsEntry("__meta_beacon_metadata_version", "1.4")
                .containsEntry("__meta_beacon_metadata_build_sha", "abc")
                .containsEntry("__meta_beacon_metadata_team_name", "payments")
                .containsEntry("__meta_beacon_metadata_9lives", "yes")
                // a.b, a-b and a_b all map to a_b: the key that is a label name already wins
                .containsEntry("__meta_beacon_metadata_a_b", "exact")
                // x-y and x.y both map to x_y: the first in sort order ('-' < '.') wins
                .containsEntry("__meta_beacon_metadata_x_y", "second");
        assertThat(labels.keySet().stream().filter(name -> name.startsWith("__meta_beacon_metadata_")))
                .hasSize(6);
    }

    @Test
    void targets_head_answersTheHeadersWithoutABody() {
        TestServer server = start(BeaconServer.builder(registry));

        TestServer.Reply reply = server.send(HttpRequest.newBuilder(server.uri("/prometheus/targets"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()));

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.header("Content-Type")).startsWith("application/json");
        assertThat(reply.body()).isEmpty();
    }

    @Test
    void targets_badRequests_areRefusedLikeEveryRoute() {
        TestServer server = start(BeaconServer.builder(registry));

        TestServer.Reply query = server.get("/prometheus/targets?service=orders");
        assertThat(query.status()).isEqualTo(400);
        assertThat(query.error()).contains("unknown query parameter 'service'; this route takes none");
        assertThat(server.put("/prometheus/targets", "{}").status()).isEqualTo(405);
        assertThat(server.get("/prometheus/other").status()).isEqualTo(404);
    }

    @Test
    void targets_registryDown_is503_soPrometheusKeepsItsLastList() {
        register(ServiceInstance.builder("app").id("a").host("10.0.0.1").port(8080));
        TestServer server = start(BeaconServer.builder(registry));
        registry.down.set(true);

        TestServer.Reply reply = server.get("/prometheus/targets");

        assertThat(reply.status()).isEqualTo(503);
        assertThat(reply.error()).startsWith("registry unavailable");
    }

    @Test
    void schema_catchesWhatPrometheusWouldRefuse() throws Exception {
        // the schema check must be able to fail: each of these breaks the documented format
        for (String bad : List.of("{}", "[1]", "[{\"labels\":{}}]", "[{\"targets\":[\"10.0.0.1\"],\"labels\":{}}]",
                "[{\"targets\":[\"::1:80\"],\"labels\":{}}]", "[{\"targets\":[\"\"],\"labels\":{}}]",
                "[{\"targets\":[\"h:80\"],\"labels\":{\"a.b\":\"x\"}}]",
                "[{\"targets\":[\"h:80\"],\"labels\":{\"a\":1}}]", "[{\"targets\":[\"h:80\"]}]",
                "[{\"targets\":[\"h:80\"],\"labels\":{},\"extra\":1}]", "[{\"targets\":[\"h:99999\"],\"labels\":{}}]")) {
            assertThat(HttpSdSchema.violations(TestServer.MAPPER.readTree(bad))).as(bad).isNotEmpty();
        }
        assertThat(HttpSdSchema.violations(TestServer.MAPPER.readTree(
                "[{\"targets\":[\"h:80\",\"[::1]:9\"],\"labels\":{\"__meta_x\":\"y\"}}]"))).isEmpty();
    }
}
