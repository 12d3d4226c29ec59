package dev.beacon.server;

import dev.beacon.ServiceInstance;
import dev.beacon.Status;
import dev.beacon.registry.InMemoryServiceRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The exact bytes of every JSON body the API sends (the seed's bodies of the read routes around the instance shape,
 * its order of fields, compact with a final newline): clients parse these, so a refactoring must not change a byte
 * of them.
 */
class BeaconServerBodiesTest {

    private static final Instant NOW = Instant.parse("2030-01-02T03:04:05Z");
    /** Metadata and ports are sorted by key (the model keeps them so). */
    private static final String A = "{\"id\":\"a\",\"host\":\"10.0.0.5\",\"port\":8080,\"status\":\"UP\","
            + "\"metadata\":{\"version\":\"1.4\",\"zone\":\"eu-1\"},\"ports\":{\"admin\":9090}}";
    private static final String B = "{\"id\":\"b\",\"host\":\"::1\",\"port\":81,\"status\":\"DOWN\","
            + "\"metadata\":{},\"ports\":{}}";

    private final InMemoryServiceRegistry leased =
            new InMemoryServiceRegistry(Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofHours(1));
    private final SwitchableRegistry unleased = new SwitchableRegistry();
    private TestServer server;

    @AfterEach
    void close() {
        if (server != null) {
            server.close();
        }
        leased.close();
        unleased.close();
    }

    private static void fill(dev.beacon.registry.ServiceRegistry registry) {
        registry.register(ServiceInstance.builder("orders").id("a").host("10.0.0.5").port(8080)
                .metadata(Map.of("zone", "eu-1", "version", "1.4")).ports(Map.of("admin", 9090)).build(),
                Duration.ofSeconds(30));
        registry.register(ServiceInstance.builder("orders").id("b").host("::1").port(81).status(Status.DOWN).build(),
                Duration.ofSeconds(30));
    }

    private static String withLease(String instance) {
        return instance.substring(0, instance.length() - 1)
                + ",\"renewedAt\":\"2030-01-02T03:04:05Z\",\"expiresAt\":\"2030-01-02T03:04:35Z\"}";
    }

    private static String withService(String instance) {
        return "{\"service\":\"orders\"," + instance.substring(1);
    }

    private static String withUrl(String instance, String url) {
        return instance.substring(0, instance.length() - 1) + ",\"url\":\"" + url + "\"}";
    }

    @Test
    void readBodies_withLeases_areTheSeedShapesOfTheInstanceShapePlusLease() {
        fill(leased);
        server = new TestServer(BeaconServer.builder(leased));

        assertThat(server.get("/services").body()).isEqualTo("{\"services\":[{\"name\":\"orders\",\"instances\":["
                + withLease(A) + "," + withLease(B) + "]}]}\n");
        assertThat(server.get("/services/orders").body()).isEqualTo("{\"service_name\":\"orders\",\"instances\":["
                + withLease(A) + "," + withLease(B) + "]}\n");
        assertThat(server.get("/services/orders/instance").body())
                .isEqualTo(withUrl(withService(A), "http://10.0.0.5:8080") + "\n");
        assertThat(server.get("/services/orders/instance?status=DOWN").body())
                .isEqualTo(withUrl(withService(B), "http://[::1]:81") + "\n");
        assertThat(server.get("/services/orders/instances/b").body()).isEqualTo(withService(B) + "\n");
        assertThat(server.get("/health").body()).isEqualTo("{\"status\":\"UP\"}\n");
    }

    @Test
    void readBodies_withoutLeases_areTheSeedShapesOfTheInstanceShape() {
        fill(unleased);
        server = new TestServer(BeaconServer.builder(unleased));

        assertThat(server.get("/services").body())
                .isEqualTo("{\"services\":[{\"name\":\"orders\",\"instances\":[" + A + "," + B + "]}]}\n");
        assertThat(server.get("/services/orders?status=DOWN").body())
                .isEqualTo("{\"service_name\":\"orders\",\"instances\":[" + B + "]}\n");
        assertThat(server.get("/services/nobody").body()).isEqualTo("{\"service_name\":\"nobody\",\"instances\":[]}\n");
        assertThat(server.get("/services/nobody/instance").body())
                .isEqualTo("{\"error\":\"no instance of 'nobody' matches status=UP\"}\n");
    }

    @Test
    void writeAndErrorBodies_areExact() {
        server = new TestServer(BeaconServer.builder(unleased));

        assertThat(server.put("/services/orders/instances/b", "{\"host\":\"::1\",\"port\":81,\"status\":\"DOWN\","
                + "\"ttl\":\"90s\"}").body()).isEqualTo(withService(B).replace("}}", "},\"ttl\":\"90s\"}") + "\n");
        assertThat(server.put("/services/orders/instances/b/heartbeat", null).body())
                .isEqualTo("{\"service\":\"orders\",\"id\":\"b\",\"renewed\":true}\n");
        assertThat(server.delete("/services/orders/instances/b", null).body())
                .isEqualTo("{\"service\":\"orders\",\"id\":\"b\",\"deregistered\":true}\n");
        assertThat(server.get("/services/orders/instances/b").body())
                .isEqualTo("{\"error\":\"instance 'b' of 'orders' is not registered\"}\n");
        unleased.down.set(true);
        assertThat(server.get("/health").body())
                .isEqualTo("{\"status\":\"DOWN\",\"error\":\"registry unavailable: registry test: is down "
                        + "(services)\"}\n");
    }
}
