package dev.beacon.server;

import dev.beacon.ServiceInstance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@code protectReads}: every route but {@code /health} needs the token, reads included. */
class BeaconServerReadProtectionTest {

    private static final String TOKEN = "s3cret-Token";
    private static final List<String> READS = List.of("/", "/services", "/services/orders",
            "/services/orders/instance", "/services/orders/instances/o-1", "/metrics", "/prometheus/targets",
            "/events", "/services/orders/events");

    private final SwitchableRegistry registry = new SwitchableRegistry();
    private final List<TestServer> servers = new ArrayList<>();

    @BeforeEach
    void register() {
        registry.register(ServiceInstance.builder("orders").id("o-1").host("10.0.0.5").port(8080).build(),
                Duration.ofMinutes(5));
    }

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

    private static TestServer.Reply read(TestServer server, String method, String path, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.uri(path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return server.send(request);
    }

    @Test
    void protectReads_everyReadWithoutTheToken_is401_butHealthStaysOpen() {
        TestServer server = start(BeaconServer.builder(registry).token(TOKEN).protectReads(true)
                .indexPage("text/html", "<p>dashboard</p>".getBytes(java.nio.charset.StandardCharsets.UTF_8)));

        for (String path : READS) {
            TestServer.Reply get = read(server, "GET", path, null);
            assertThat(get.status()).as("GET " + path).isEqualTo(401);
            assertThat(get.error()).as(path).isEqualTo("this server needs a token for reads: send 'Authorization: "
                    + "Bearer <token>'");
            assertThat(get.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"beacon\"");
            assertThat(get.body()).doesNotContain("10.0.0.5");
            assertThat(read(server, "HEAD", path, null).status()).as("HEAD " + path).isEqualTo(401);
            assertThat(read(server, "GET", path, "wrong-token").error()).as(path).isEqualTo("wrong token");
        }
        assertThat(read(server, "GET", "/health", null).status()).isEqualTo(200);
        assertThat(read(server, "HEAD", "/health", null).status()).isEqualTo(200);
        TestServer.Reply write = server.delete("/services/orders/instances/o-1", null);
        assertThat(write.status()).isEqualTo(401);
        assertThat(write.error()).contains("needs a token for writes");
    }

    @Test
    void protectReads_withTheToken_readsAreAnswered() {
        TestServer server = start(BeaconServer.builder(registry).token(TOKEN).protectReads(true));

        for (String path : List.of("/services", "/services/orders", "/services/orders/instance",
                "/services/orders/instances/o-1", "/prometheus/targets")) {
            TestServer.Reply reply = read(server, "GET", path, TOKEN);
            assertThat(reply.status()).as(path).isEqualTo(200);
            assertThat(reply.body()).as(path).contains("10.0.0.5");
        }
        assertThat(read(server, "GET", "/metrics", TOKEN).body()).contains("beacon_instances");
    }

    @Test
    void withoutProtectReads_readsStayOpen_withATokenForWrites() {
        TestServer server = start(BeaconServer.builder(registry).token(TOKEN));

        assertThat(read(server, "GET", "/services", null).status()).isEqualTo(200);
        assertThat(read(server, "GET", "/prometheus/targets", null).status()).isEqualTo(200);
        assertThat(server.delete("/services/orders/instances/o-1", null).status()).isEqualTo(401);
    }

    @Test
    void protectReads_withoutAToken_isRefusedByBuild() {
        BeaconServer.Builder builder = BeaconServer.builder(registry).protectReads(true);

        IllegalStateException e = assertThrows(IllegalStateException.class, builder::build);

        assertThat(e).hasMessage("protectReads(true) needs a token: set token(...), or leave reads open");
        assertThat(BeaconServer.builder(registry).protectReads(true).token(TOKEN).build().toString())
                .contains("token set for reads and writes");
    }
}
