package dev.beacon.server;

import dev.beacon.registry.ServiceRegistry;
import dev.beacon.registry.redis.RedisServiceRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No secret leaves the HTTP API: over a Redis registry whose URI carries a password (and that is down, so every read
 * fails with an error that names the registry), neither the error bodies, {@code /metrics}, {@code /health} nor the
 * page show the password or the API token.
 */
class BeaconServerSecretsTest {

    private static final String PASSWORD = "Redis-Pa55word";
    private static final String TOKEN = "api-T0ken-xyz";
    private static final String BODY = "{\"host\":\"10.0.0.5\",\"port\":8080}";

    private ServiceRegistry registry;
    private TestServer server;

    @AfterEach
    void close() {
        if (server != null) {
            server.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void errorsMetricsHealthAndPage_registryWithPasswordDown_showNeitherPasswordNorToken() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        registry = RedisServiceRegistry.open("redis://beacon:" + PASSWORD + "@127.0.0.1:" + closedPort
                + "?timeout=500ms&connect-timeout=500ms");
        server = new TestServer(BeaconServer.builder(registry).token(TOKEN));

        List<TestServer.Reply> replies = List.of(
                server.get("/services"),
                server.get("/services/orders"),
                server.get("/services/orders/instance"),
                server.get("/services/orders/instances/a"),
                server.put("/services/orders/instances/a", BODY, TOKEN),
                server.put("/services/orders/instances/a", BODY, null),
                server.put("/services/orders/instances/a", BODY, TOKEN + "x"),
                server.delete("/services/orders/instances/a", TOKEN),
                server.get("/metrics"),
                server.get("/health"),
                server.get("/"));

        assertThat(replies.get(0).status()).as(replies.get(0).body()).isEqualTo(503);
        assertThat(replies.get(0).body()).contains("registry unavailable", "beacon:****@127.0.0.1:" + closedPort);
        assertThat(replies.get(5).status()).isEqualTo(401);
        assertThat(replies.get(8).body()).contains("beacon_registry_up 0");
        for (TestServer.Reply reply : replies) {
            assertThat(reply.body()).doesNotContain(PASSWORD, TOKEN);
            reply.headers().map().values().forEach(values -> assertThat(values).noneMatch(
                    v -> v.contains(PASSWORD) || v.contains(TOKEN)));
        }
    }
}
