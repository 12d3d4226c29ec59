package dev.beacon.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beacon.ServiceInstance;
import dev.beacon.Status;
import dev.beacon.balance.LoadBalancer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Every route of the HTTP API over a memory registry, on a real server. */
class BeaconServerTest {

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

    private TestServer start() {
        return start(BeaconServer.builder(registry));
    }

    private void register(String service, String id, Status status, Map<String, String> metadata) {
        registry.register(ServiceInstance.builder(service).id(id).host("10.0.0." + (Math.abs(id.hashCode()) % 250 + 1))
                .port(8080).status(status).metadata(metadata).ports(Map.of("admin", 9090)).build(),
                Duration.ofMinutes(5));
    }

    @Test
    void getServices_listsEveryServiceWithItsInstancesInTheSeedShape() {
        register("orders", "o-1", Status.UP, Map.of("zone", "eu-1"));
        register("orders", "o-2", Status.DOWN, Map.of());
        register("billing", "b-1", Status.UP, Map.of());
        TestServer server = start();

        TestServer.Reply reply = server.get("/services");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.header("Content-Type")).startsWith("application/json");
        JsonNode json = reply.json();
        assertThat(json.fieldNames()).toIterable().containsExactly("services");
        JsonNode services = json.get("services");
        assertThat(services.findValuesAsText("name")).containsExactly("billing", "orders");
        JsonNode orders = services.get(1);
        assertThat(orders.fieldNames()).toIterable().containsExactly("name", "instances");
        JsonNode first = orders.get("instances").get(0);
        assertThat(first.fieldNames()).toIterable()
                .containsExactly("id", "host", "port", "status", "metadata", "ports");
        assertThat(first.get("id").asText()).isEqualTo("o-1");
        assertThat(first.get("port").asInt()).isEqualTo(8080);
        assertThat(first.get("status").asText()).isEqualTo("UP");
        assertThat(first.get("metadata").get("zone").asText()).isEqualTo("eu-1");
        assertThat(first.get("ports").get("admin").asInt()).isEqualTo(9090);
        assertThat(orders.get("instances").get(1).get("status").asText()).isEqualTo("DOWN");
    }

    @Test
    void getServices_emptyRegistry_isAnEmptyList() {
        TestServer server = start();

        TestServer.Reply reply = server.get("/services/");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().get("services").isArray()).isTrue();
        assertThat(reply.json().get("services").size()).isZero();
    }

    @Test
    void getService_filtersByStatusZoneAndMetadata_allMustMatch() {
        register("orders", "a", Status.UP, Map.of("zone", "eu-1", "version", "1.4"));
        register("orders", "b", Status.UP, Map.of("zone", "eu-2", "version", "1.4"));
        register("orders", "c", Status.DOWN, Map.of("zone", "eu-1", "version", "2.0"));
        register("orders", "d", Status.UP, Map.of("zone", "eu-1", "version", "2.0", "tier", "gold"));
        TestServer server = start();

        assertThat(ids(server.get("/services/orders"))).containsExactly("a", "b", "c", "d");
        assertThat(ids(server.get("/services/orders?status=UP"))).containsExactly("a", "b", "d");
        assertThat(ids(server.get("/services/orders?status=down"))).containsExactly("c");
        assertThat(ids(server.get("/services/orders?zone=eu-1"))).containsExactly("a", "c", "d");
        assertThat(ids(server.get("/services/orders?zone=eu-1&status=UP&meta.version=2.0"))).containsExactly("d");
        assertThat(ids(server.get("/services/orders?meta.version=1.4&meta.zone=eu-2"))).containsExactly("b");
        assertThat(ids(server.get("/services/orders?meta.version=2.*"))).containsExactly("c", "d");
        assertThat(ids(server.get("/services/orders?meta.tier=gold&meta.tier=silver"))).isEmpty();
        assertThat(ids(server.get("/services/orders?meta.missing=x"))).isEmpty();
    }

    @Test
    void getService_unknownService_hasNoInstances() {
        TestServer server = start();

        TestServer.Reply reply = server.get("/services/nobody");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().get("service_name").asText()).isEqualTo("nobody");
        assertThat(reply.json().get("instances").isArray()).isTrue();
        assertThat(reply.json().get("instances").size()).isZero();
    }

    @Test
    void getService_badFilters_are400NamingTheProblem() {
        TestServer server = start();

        assertError(server.get("/services/orders?status=SLEEPING"), 400, "status must be one of");
        assertError(server.get("/services/orders?zone=a&zone=b"), 400, "'zone' may be given once");
        assertError(server.get("/services/orders?colour=red"), 400, "unknown query parameter 'colour'");
        assertError(server.get("/services/orders?meta.=x"), 400, "metadata key");
        assertError(server.get("/services/orders?meta.a%20b=x"), 400, "metadata key");
        assertError(server.get("/services/orders?zone=" + "x".repeat(1025)), 400, "at most 1024 characters");
        assertError(server.get("/services/Orders"), 400, "service name must match");
        assertError(server.get("/services/or%2Fders"), 400, "service name must match");
    }

    @Test
    void pick_roundRobin_cyclesThroughUpInstancesOnly() {
        register("orders", "a", Status.UP, Map.of());
        register("orders", "b", Status.UP, Map.of());
        register("orders", "c", Status.DOWN, Map.of());
        TestServer server = start();

        List<String> picked = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            TestServer.Reply reply = server.get("/services/orders/instance");
            assertThat(reply.status()).isEqualTo(200);
            assertThat(reply.json().get("service").asText()).isEqualTo("orders");
            picked.add(reply.json().get("id").asText());
        }

        assertThat(picked).containsExactly("a", "b", "a", "b");
    }

    @Test
    void pick_random_picksAmongTheFilteredCandidates() {
        register("orders", "a", Status.UP, Map.of("zone", "eu-1"));
        register("orders", "b", Status.UP, Map.of("zone", "eu-2"));
        register("orders", "c", Status.UP, Map.of("zone", "eu-1"));
        TestServer server = start();

        Set<String> picked = new HashSet<>();
        for (int i = 0; i < 60; i++) {
            picked.add(server.get("/services/orders/instance?strategy=random&zone=eu-1").json().get("id").asText());
        }

        assertThat(picked).containsExactlyInAnyOrder("a", "c");
    }

    @Test
    void pick_explicitStatus_replacesTheUpDefault() {
        register("orders", "a", Status.UP, Map.of());
        register("orders", "d", Status.DRAINING, Map.of());
        TestServer server = start();

        assertThat(server.get("/services/orders/instance?status=DRAINING").json().get("id").asText())
                .isEqualTo("d");
    }

    @Test
    void pick_noCandidate_is404WithJsonError() {
        register("orders", "c", Status.DOWN, Map.of());
        TestServer server = start();

        assertError(server.get("/services/orders/instance"), 404, "no instance of 'orders' matches status=UP");
        assertError(server.get("/services/nobody/instance?zone=eu-1"), 404, "zone='eu-1'");
    }

    @Test
    void pick_unknownStrategy_is400ListingTheValidOnes() {
        register("orders", "a", Status.UP, Map.of());
        TestServer server = start();

        TestServer.Reply reply = server.get("/services/orders/instance?strategy=fastest");

        assertError(reply, 400, "unknown strategy 'fastest'; valid: ");
        assertThat(reply.error()).contains("random").contains("round-robin");
    }

    @Test
    void pick_addedStrategy_getsTheKeyAndAStableEndpointList() {
        register("orders", "a", Status.UP, Map.of());
        register("orders", "b", Status.UP, Map.of("weight", "3"));
        List<Object> lists = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        AtomicInteger created = new AtomicInteger();
        TestServer server = start(BeaconServer.builder(registry).strategy("last", () -> {
            created.incrementAndGet();
            return (LoadBalancer) (endpoints, key) -> {
                lists.add(endpoints);
                keys.add(key);
                return endpoints.get(endpoints.size() - 1);
            };
        }));

        TestServer.Reply first = server.get("/services/orders/instance?strategy=last&key=user-7");
        server.get("/services/orders/instance?strategy=last");

        assertThat(first.json().get("id").asText()).isEqualTo("b");
        assertThat(keys).containsExactly("user-7", null);
        assertThat(lists.get(0)).isSameAs(lists.get(1));
        assertThat(created).hasValue(1);
        @SuppressWarnings("unchecked")
        List<dev.beacon.balance.Endpoint> endpoints = (List<dev.beacon.balance.Endpoint>) lists.get(0);
        assertThat(endpoints.get(1).weight()).isEqualTo(3.0);
    }

    @Test
    void pick_keyTooLong_is400() {
        TestServer server = start();

        assertError(server.get("/services/orders/instance?key=" + "k".repeat(1025)), 400, "key may have at most");
    }

    @Test
    void putInstance_registersWithTheGivenTtl_andGetReturnsIt() {
        TestServer server = start();

        TestServer.Reply reply = server.put("/services/orders/instances/o-1", """
                {"host": "10.0.0.5", "port": 8080, "status": "STARTING", "metadata": {"zone": "eu-1"},
                 "ports": {"admin": 9090}, "ttl": "2m"}""");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().get("ttl").asText()).isEqualTo("2m");
        assertThat(reply.json().get("service").asText()).isEqualTo("orders");
        ServiceInstance stored = registry.instances("orders").get(0);
        assertThat(stored).isEqualTo(ServiceInstance.builder("orders").id("o-1").host("10.0.0.5").port(8080)
                .status(Status.STARTING).metadata(Map.of("zone", "eu-1")).ports(Map.of("admin", 9090)).build());
        TestServer.Reply got = server.get("/services/orders/instances/o-1");
        assertThat(got.status()).isEqualTo(200);
        assertThat(got.json().get("status").asText()).isEqualTo("STARTING");
    }

    @Test
    void putInstance_defaults_upAnd30Seconds() {
        TestServer server = start();

        TestServer.Reply reply = server.put("/services/orders/instances/o-1", "{\"host\":\"h\",\"port\":1}");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().get("ttl").asText()).isEqualTo("30s");
        assertThat(reply.json().get("status").asText()).isEqualTo("UP");
    }

    @Test
    void putInstance_shortTtl_expiresWithoutHeartbeats() throws Exception {
        TestServer server = start();

        server.put("/services/orders/instances/o-1", "{\"host\":\"h\",\"port\":1,\"ttl\":\"1s\"}");
        assertThat(registry.instances("orders")).hasSize(1);
        Thread.sleep(1_300);

        assertThat(registry.instances("orders")).isEmpty();
        assertError(server.put("/services/orders/instances/o-1/heartbeat", null), 404, "register it again");
    }

    @Test
    void heartbeat_renewsTheLease() throws Exception {
        TestServer server = start();
        server.put("/services/orders/instances/o-1", "{\"host\":\"h\",\"port\":1,\"ttl\":\"1s\"}");

        for (int i = 0; i < 4; i++) {
            Thread.sleep(400);
            TestServer.Reply reply = server.put("/services/orders/instances/o-1/heartbeat", null);
            assertThat(reply.status()).isEqualTo(200);
            assertThat(reply.json().get("renewed").asBoolean()).isTrue();
        }

        assertThat(registry.instances("orders")).hasSize(1);
    }

    @Test
    void heartbeat_unknownInstance_is404() {
        TestServer server = start();

        assertError(server.put("/services/orders/instances/ghost/heartbeat", null), 404,
                "no live lease for instance 'ghost' of 'orders'");
    }

    @Test
    void deleteInstance_deregisters_thenIs404() {
        register("orders", "o-1", Status.UP, Map.of());
        TestServer server = start();

        TestServer.Reply first = server.delete("/services/orders/instances/o-1", null);
        TestServer.Reply second = server.delete("/services/orders/instances/o-1", null);

        assertThat(first.status()).isEqualTo(200);
        assertThat(first.json().get("deregistered").asBoolean()).isTrue();
        assertThat(registry.instances("orders")).isEmpty();
        assertError(second, 404, "instance 'o-1' of 'orders' is not registered");
        assertError(server.get("/services/orders/instances/o-1"), 404, "is not registered");
    }

    @Test
    void writes_badNames_are400() {
        TestServer server = start();

        assertError(server.put("/services/ORDERS/instances/a", "{\"host\":\"h\",\"port\":1}"), 400,
                "service name must match");
        assertError(server.put("/services/orders/instances/-a", "{\"host\":\"h\",\"port\":1}"), 400,
                "instance id must match");
        assertError(server.delete("/services/orders/instances/%C3%A9", null), 400, "instance id must match");
    }

    @Test
    void health_registryReachable_isUp_else503() {
        TestServer server = start();

        TestServer.Reply up = server.get("/health");
        registry.down.set(true);
        TestServer.Reply down = server.get("/health");

        assertThat(up.status()).isEqualTo(200);
        assertThat(up.json().get("status").asText()).isEqualTo("UP");
        assertThat(down.status()).isEqualTo(503);
        assertThat(down.json().get("status").asText()).isEqualTo("DOWN");
        assertThat(down.error()).contains("registry unavailable");
    }

    @Test
    void registryUnreachable_readsAndWritesAre503() {
        TestServer server = start();
        registry.down.set(true);

        assertError(server.get("/services"), 503, "registry unavailable");
        assertError(server.get("/services/orders/instance"), 503, "registry unavailable");
        assertError(server.put("/services/orders/instances/a", "{\"host\":\"h\",\"port\":1}"), 503,
                "registry unavailable");
        assertThat(server.get("/services").header("Retry-After")).isEqualTo("1");
    }

    @Test
    void metrics_prometheusText_instancesEventsHeartbeatsAndLatencies() throws Exception {
        register("orders", "a", Status.UP, Map.of());
        register("orders", "b", Status.DOWN, Map.of());
        TestServer server = start(BeaconServer.builder(registry).serviceScanInterval(Duration.ofMillis(50)));
        Thread.sleep(200); // the scan watches "orders"
        server.put("/services/orders/instances/c", "{\"host\":\"h\",\"port\":1,\"ttl\":\"1s\"}");
        server.put("/services/orders/instances/c/heartbeat", null);
        server.put("/services/orders/instances/zzz/heartbeat", null);
        server.delete("/services/orders/instances/a", null);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() ->
                server.get("/metrics").body().contains("beacon_expirations_total{service=\"orders\"} 1"));

        TestServer.Reply reply = server.get("/metrics");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.header("Content-Type")).startsWith("text/plain; version=0.0.4");
        assertThat(reply.body())
                .contains("beacon_registry_up 1\n")
                .contains("beacon_instances{service=\"orders\",status=\"DOWN\"} 1\n")
                .contains("beacon_instances{service=\"orders\",status=\"UP\"} 0\n")
                .contains("beacon_registrations_total{service=\"orders\"} 1\n")
                .contains("beacon_deregistrations_total{service=\"orders\"} 1\n")
                .contains("beacon_expirations_total{service=\"orders\"} 1\n")
                .contains("beacon_api_registrations_total 1\n")
                .contains("beacon_api_heartbeats_total{result=\"renewed\"} 1\n")
                .contains("beacon_api_heartbeats_total{result=\"unknown\"} 1\n")
                .contains("# TYPE beacon_http_request_duration_seconds histogram")
                .contains("beacon_http_request_duration_seconds_count{method=\"PUT\","
                        + "route=\"/services/{name}/instances/{id}/heartbeat\"} 2\n")
                .contains("beacon_http_requests_total{method=\"PUT\",route=\"/services/{name}/instances/{id}\","
                        + "code=\"200\"} 1\n")
                .contains("le=\"+Inf\"");
        for (String line : reply.body().split("\n")) {
            assertThat(line).matches("# (HELP|TYPE) .*|[a-z_]+(\\{.*\\})? [0-9.E-]+");
        }
    }

    @Test
    void metrics_registryDown_saysSoInsteadOfFailing() {
        TestServer server = start();
        registry.down.set(true);

        TestServer.Reply reply = server.get("/metrics");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body()).contains("beacon_registry_up 0\n").doesNotContain("beacon_instances{");
    }

    @Test
    void unknownRoute_is404ListingTheRoutes() {
        TestServer server = start();

        assertError(server.get("/nope"), 404, "no route for '/nope'; routes: GET /services");
        assertError(server.get("/services/orders/instances"), 404, "no route");
        assertError(server.get("/services/orders/instances/a/b/c"), 404, "no route");
        assertError(server.get("/services//instance"), 404, "empty path segment");
        assertError(server.get("/"), 404, "no page is served at /");
    }

    @Test
    void wrongMethod_is405WithAllow() {
        TestServer server = start();

        TestServer.Reply post = server.send(HttpRequest.newBuilder(server.uri("/services"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")));
        TestServer.Reply get = server.get("/services/orders/instances/a/heartbeat");
        TestServer.Reply patch = server.send(HttpRequest.newBuilder(server.uri("/services/orders/instances/a"))
                .method("PATCH", HttpRequest.BodyPublishers.noBody()));

        assertError(post, 405, "method 'POST' is not allowed on /services; use GET or HEAD");
        assertThat(post.header("Allow")).isEqualTo("GET, HEAD");
        assertError(get, 405, "use PUT");
        assertThat(get.header("Allow")).isEqualTo("PUT");
        assertThat(patch.header("Allow")).isEqualTo("GET, HEAD, PUT, DELETE");
    }

    @Test
    void head_answersHeadersWithoutBody() {
        TestServer server = start();

        TestServer.Reply reply = server.send(HttpRequest.newBuilder(server.uri("/health"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()));

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body()).isEmpty();
        assertThat(reply.header("Content-Type")).startsWith("application/json");
    }

    @Test
    void indexPage_isServedAtRoot() {
        byte[] page = "<!doctype html><title>beacon</title>".getBytes(StandardCharsets.UTF_8);
        TestServer server = start(BeaconServer.builder(registry).indexPage("text/html; charset=utf-8", page));
        page[0] = 'X'; // the builder copied it

        TestServer.Reply reply = server.get("/");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.header("Content-Type")).isEqualTo("text/html; charset=utf-8");
        assertThat(reply.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(reply.body()).isEqualTo("<!doctype html><title>beacon</title>");
    }

    @Test
    void loopback_foreignHostHeader_is403() {
        TestServer server = start();

        String response = server.raw("GET /services HTTP/1.1\r\nHost: evil.example:8500\r\nConnection: close\r\n\r\n",
                Duration.ofSeconds(5));
        String localhost = server.raw("GET /health HTTP/1.1\r\nHost: localhost:8500\r\nConnection: close\r\n\r\n",
                Duration.ofSeconds(5));
        String ipv6 = server.raw("GET /health HTTP/1.1\r\nHost: [::1]:8500\r\nConnection: close\r\n\r\n",
                Duration.ofSeconds(5));

        assertThat(response).startsWith("HTTP/1.1 403").contains("{\"error\":\"Host 'evil.example:8500' is not");
        assertThat(localhost).startsWith("HTTP/1.1 200");
        assertThat(ipv6).startsWith("HTTP/1.1 200");
    }

    @Test
    void companion_startsWithTheServerAndClosesWithIt() {
        List<String> calls = new ArrayList<>();
        BeaconServer server = BeaconServer.builder(registry).port(0)
                .companion(() -> {
                    calls.add("start");
                    return () -> calls.add("close");
                }).build();
        assertThat(calls).isEmpty();

        server.start();
        assertThat(calls).containsExactly("start");
        server.close();
        server.close();

        assertThat(calls).containsExactly("start", "close");
    }

    @Test
    void close_endsEveryThreadOfTheServer() {
        TestServer server = start(BeaconServer.builder(registry).keepAliveInterval(Duration.ofMillis(50)));
        server.put("/services/orders/instances/a", "{\"host\":\"h\",\"port\":1}");
        assertThat(server.get("/services").status()).isEqualTo(200);
        assertThat(beaconThreads()).isNotEmpty();

        server.close();

        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(beaconThreads()).isEmpty());
        assertThrows(java.io.IOException.class, () -> new java.net.Socket("127.0.0.1", server.port()).close());
    }

    private static List<String> beaconThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(name -> name.startsWith("beacon-http-") || name.equals("HTTP-Dispatcher")).toList();
    }

    @Test
    void start_twice_fails_andAddressNeedsAStart() {
        BeaconServer server = BeaconServer.builder(registry).port(0).build();
        assertThrows(IllegalStateException.class, server::address);
        server.start();
        try {
            IllegalStateException e = assertThrows(IllegalStateException.class, server::start);
            assertThat(e).hasMessage("a BeaconServer starts once; this one was started already");
            assertThat(server.address().getAddress().isLoopbackAddress()).isTrue();
            assertThat(server.uri().toString()).startsWith("http://127.0.0.1:");
        } finally {
            server.close();
        }
    }

    @Test
    void start_portInUse_failsNamingTheAddress() {
        TestServer first = start();
        BeaconServer second = BeaconServer.builder(registry).port(first.port()).build();

        java.io.UncheckedIOException e = assertThrows(java.io.UncheckedIOException.class, second::start);

        assertThat(e).hasMessageContaining("cannot listen on 127.0.0.1:" + first.port());
        second.close();
    }

    @Test
    void builder_rejectsBadValuesNamingThem() {
        BeaconServer.Builder builder = BeaconServer.builder(registry);

        assertThat(assertThrows(IllegalArgumentException.class, () -> builder.port(70000)))
                .hasMessage("port must be 0..65535, but was 70000");
        assertThat(assertThrows(IllegalArgumentException.class, () -> builder.token("has space")))
                .hasMessageContaining("visible ASCII").hasMessageNotContaining("has space");
        assertThat(assertThrows(IllegalArgumentException.class, () -> builder.maxBodyBytes(10)))
                .hasMessageContaining("but was 10");
        assertThat(assertThrows(IllegalArgumentException.class, () -> builder.readTimeout(Duration.ZERO)))
                .hasMessageContaining("read timeout");
        assertThat(assertThrows(IllegalArgumentException.class, () -> builder.strategy("Bad Name", () -> null)))
                .hasMessageContaining("'Bad Name'");
        assertThat(assertThrows(IllegalArgumentException.class, () -> builder.bind(" ")))
                .hasMessageContaining("bind address");
        assertThat(BeaconServer.builder(registry).token("secret-token").build().toString())
                .contains("token set").doesNotContain("secret-token");
    }

    private static List<String> ids(TestServer.Reply reply) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        reply.json().get("instances").forEach(node -> ids.add(node.get("id").asText()));
        return ids;
    }

    static void assertError(TestServer.Reply reply, int status, String message) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(status);
        assertThat(reply.header("Content-Type")).startsWith("application/json");
        assertThat(reply.error()).contains(message);
    }
}
