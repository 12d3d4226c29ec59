package dev.beacon.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beacon.ServiceInstance;
import dev.beacon.Status;
import dev.beacon.registry.InMemoryServiceRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code PUT}/{@code DELETE /services/{name}/instances/{id}/maintenance} on a real server over a memory registry. */
class BeaconServerMaintenanceTest {

    private static final String TOKEN = "maintenance-test-token";
    private static final String PATH = "/services/orders/instances/a/maintenance";

    private final InMemoryServiceRegistry registry = new InMemoryServiceRegistry();
    private final List<TestServer> servers = new ArrayList<>();
    private TestServer server;

    private TestServer start() {
        TestServer started = new TestServer(BeaconServer.builder(registry).token(TOKEN));
        servers.add(started);
        return started;
    }

    @AfterEach
    void close() {
        servers.forEach(TestServer::close);
        registry.close();
    }

    private void register(String id) {
        registry.register(ServiceInstance.builder("orders").id(id).host("10.0.0.7").port(8080).build(),
                Duration.ofMinutes(5));
    }

    private TestServer.Reply put(String json, String operator) {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.uri(PATH))
                .header("Authorization", "Bearer " + TOKEN)
                .PUT(json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        if (operator != null) {
            request.header("X-Beacon-Operator", operator);
        }
        return server.send(request);
    }

    /** The instance {@code id} wherever a read route's body holds it (the bodies' shapes differ between routes). */
    private static Optional<JsonNode> find(JsonNode node, String id) {
        if (node.isObject() && node.path("id").asText().equals(id) && node.has("status")) {
            return Optional.of(node);
        }
        for (JsonNode child : node) {
            Optional<JsonNode> found = find(child, id);
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    @Test
    void put_withToken_putsTheInstanceInMaintenance_readRoutesShowItAndPickSkipsIt() {
        register("a");
        register("b");
        server = start();

        TestServer.Reply reply = put("{\"reason\": \"kernel upgrade\", \"by\": \"alice\", \"for\": \"30m\"}", null);

        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        JsonNode maintenance = reply.json().get("maintenance");
        assertThat(reply.json().get("service").asText()).isEqualTo("orders");
        assertThat(reply.json().get("id").asText()).isEqualTo("a");
        assertThat(maintenance.get("reason").asText()).isEqualTo("kernel upgrade");
        assertThat(maintenance.get("by").asText()).isEqualTo("alice");
        Instant since = Instant.parse(maintenance.get("since").asText());
        assertThat(Instant.parse(maintenance.get("until").asText())).isEqualTo(since.plus(Duration.ofMinutes(30)));
        assertThat(registry.instances("orders").get(0).status()).isEqualTo(Status.MAINTENANCE);
        for (String read : List.of("/services", "/services/orders")) {
            JsonNode shown = find(server.get(read).json(), "a").orElseThrow(() -> new AssertionError(read));
            assertThat(shown.get("status").asText()).as(read).isEqualTo("MAINTENANCE");
            assertThat(shown.get("maintenance")).as(read).isEqualTo(maintenance);
            assertThat(find(server.get(read).json(), "b").orElseThrow().has("maintenance")).isFalse();
        }
        for (int i = 0; i < 20; i++) {
            TestServer.Reply picked = server.get("/services/orders/instance");
            assertThat(picked.status()).isEqualTo(200);
            assertThat(picked.json().get("id").asText()).isEqualTo("b");
        }
        assertThat(server.get("/services/orders/instance?status=MAINTENANCE").status())
                .as("never picked, whatever the filter").isEqualTo(404);
        assertThat(find(server.get("/services/orders?status=MAINTENANCE").json(), "a")).as("but listed").isPresent();
    }

    @Test
    void put_whoFromTheBodyElseTheHeaderElseTheClientAddress_andAnEmptyBodyLastsUntilLifted() {
        register("a");
        server = start();

        TestServer.Reply fromHeader = put("{\"reason\": \"disk\"}", "bob");
        TestServer.Reply fromAddress = put(null, null);
        TestServer.Reply fromBody = put("{\"by\": \"carol\"}", "bob");

        assertThat(fromHeader.json().get("maintenance").get("by").asText()).isEqualTo("bob");
        assertThat(fromAddress.status()).as(fromAddress.body()).isEqualTo(200);
        assertThat(fromAddress.json().get("maintenance").get("by").asText()).isEqualTo("api@127.0.0.1");
        assertThat(fromAddress.json().get("maintenance").get("reason").asText()).isEmpty();
        assertThat(fromAddress.json().get("maintenance").has("until")).isFalse();
        assertThat(fromBody.json().get("maintenance").get("by").asText()).isEqualTo("carol");
        assertThat(fromBody.json().get("maintenance").get("since"))
                .as("changing it keeps its start").isEqualTo(fromHeader.json().get("maintenance").get("since"));
    }

    @Test
    void put_untilInTheFuture_isItsDeadline() {
        register("a");
        server = start();
        Instant until = Instant.now().plus(Duration.ofHours(2)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);

        TestServer.Reply reply = put("{\"until\": \"" + until + "\"}", "alice");

        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        Instant recorded = Instant.parse(reply.json().get("maintenance").get("until").asText());
        assertThat(Duration.between(until, recorded).abs()).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void put_badInput_is400NamingTheValueAndNothingChanges() {
        register("a");
        server = start();
        String[][] cases = {
            {"{\"for\": \"soon\"}", "for 'soon' is not a duration"},
            {"{\"for\": \"0s\"}", "maintenance duration must be between 1s and 365d, but was '0s'"},
            {"{\"for\": 31622400}", "maintenance duration must be between 1s and 365d, but was '366d'"},
            {"{\"for\": true}", "field 'for' must be a duration string"},
            {"{\"for\": \"1h\", \"until\": \"2099-01-01T00:00:00Z\"}", "not both"},
            {"{\"until\": \"2001-01-01T00:00:00Z\"}", "field 'until' must be in the future"},
            {"{\"until\": \"tomorrow\"}", "field 'until' must be an ISO-8601 time"},
            {"{\"reason\": \"two\\nlines\"}", "maintenance reason must be one line"},
            {"{\"reason\": \"" + "r".repeat(257) + "\"}", "maintenance reason must have 0 to 256 characters"},
            {"{\"by\": \"\"}", "maintenance 'by' (who put it in maintenance) must have 1 to 128 characters"},
            {"{\"ttl\": \"1h\"}", "unknown field 'ttl'; valid: reason, by, for, until"},
            {"[1]", "the request body must be a JSON object"},
        };
        for (String[] bad : cases) {
            TestServer.Reply reply = put(bad[0], "alice");
            assertThat(reply.status()).as(bad[0]).isEqualTo(400);
            assertThat(reply.json().get("error").asText()).as(bad[0]).contains(bad[1]);
        }
        assertThat(registry.instances("orders").get(0).status()).isEqualTo(Status.UP);
        assertThat(registry.maintenance("orders", "a")).isEmpty();
    }

    @Test
    void put_unknownInstance_is404() {
        register("a");
        server = start();

        TestServer.Reply reply = server.put("/services/orders/instances/zz/maintenance", "{}", TOKEN);

        assertThat(reply.status()).isEqualTo(404);
        assertThat(reply.json().get("error").asText()).isEqualTo("no live instance 'zz' of 'orders' to put in "
                + "maintenance; GET /services/orders lists them");
    }

    @Test
    void putAndDelete_withoutTheToken_are401AndChangeNothing() {
        register("a");
        server = start();
        assertThat(put("{}", null).status()).isEqualTo(200);

        assertThat(server.put(PATH, "{\"reason\": \"x\"}", null).status()).isEqualTo(401);
        assertThat(server.put(PATH, "{\"reason\": \"x\"}", "wrong-token").status()).isEqualTo(401);
        assertThat(server.delete(PATH, null).status()).isEqualTo(401);

        assertThat(registry.maintenance("orders", "a")).hasValueSatisfying(m -> assertThat(m.reason()).isEmpty());
    }

    @Test
    void delete_liftsIt_thenIs404() {
        register("a");
        server = start();
        assertThat(put("{\"reason\": \"x\"}", "alice").status()).isEqualTo(200);

        TestServer.Reply lifted = server.delete(PATH, TOKEN);
        TestServer.Reply again = server.delete(PATH, TOKEN);

        assertThat(lifted.status()).isEqualTo(200);
        assertThat(lifted.json().get("lifted").asBoolean()).isTrue();
        assertThat(registry.instances("orders").get(0).status()).isEqualTo(Status.UP);
        assertThat(again.status()).isEqualTo(404);
        assertThat(again.json().get("error").asText()).isEqualTo("instance 'a' of 'orders' is not in maintenance");
    }

    @Test
    void get_onTheMaintenanceRoute_is405WithAllow() {
        server = start();

        TestServer.Reply reply = server.get(PATH);

        assertThat(reply.status()).isEqualTo(405);
        assertThat(reply.header("Allow")).isEqualTo("PUT, DELETE");
    }

    @Test
    void put_registryWithoutMaintenance_is501NamingIt() {
        SwitchableRegistry plain = new SwitchableRegistry();
        plain.register(ServiceInstance.builder("orders").id("a").host("10.0.0.7").port(8080).build(),
                Duration.ofMinutes(5));
        server = new TestServer(BeaconServer.builder(plain));
        servers.add(server);

        TestServer.Reply reply = server.put(PATH, "{}", null);

        assertThat(reply.status()).isEqualTo(501);
        assertThat(reply.json().get("error").asText()).isEqualTo("registry test: does not keep maintenance");
        plain.close();
    }
}
