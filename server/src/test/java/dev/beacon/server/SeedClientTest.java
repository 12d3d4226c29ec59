package dev.beacon.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beacon.ServiceInstance;
import dev.beacon.Status;
import dev.beacon.registry.InMemoryServiceRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The three read routes as a client written against the seed's API reads them: the seed's FastAPI
 * {@code ServiceDiscoveryAPI} answers {@code GET /services} with {@code {"services": [{"name", "instances": [{"id",
 * "host", "port", "status", "metadata"}]}]}}, {@code GET /services/{service_name}} with {@code {"service_name",
 * "instances"}} and {@code GET /services/{service_name}/instance} with the instance's fields plus {@code "url"}
 * ({@code f"http://{host}:{port}"}), or 404. Each field is read as Python's {@code body["key"]} would: it must be there
 * (a missing key is a {@code KeyError}) and have the JSON type the seed writes. Nothing else of the bodies is read.
 */
class SeedClientTest {

    private final InMemoryServiceRegistry registry = new InMemoryServiceRegistry();
    private TestServer server;

    @AfterEach
    void close() {
        if (server != null) {
            server.close();
        }
        registry.close();
    }

    private void register(String service, String id, String host, int port, Status status) {
        registry.register(ServiceInstance.builder(service).id(id).host(host).port(port).status(status)
                .metadata("version", "1.0").build(), Duration.ofMinutes(1));
    }

    /** Python's {@code body[key]}: a KeyError when the key is missing. */
    private static JsonNode key(JsonNode body, String key) {
        JsonNode value = body.get(key);
        if (value == null) {
            fail("KeyError: '" + key + "' in " + body);
        }
        return value;
    }

    /** The seed's instance fields, read as its client reads them: {@code inst["id"]}, … {@code inst["metadata"]}. */
    private static String instance(JsonNode inst) {
        String id = key(inst, "id").textValue();
        String host = key(inst, "host").textValue();
        JsonNode port = key(inst, "port");
        String status = key(inst, "status").textValue();
        JsonNode metadata = key(inst, "metadata");
        assertThat(id).as("id, a string").isNotNull();
        assertThat(host).as("host, a string").isNotNull();
        assertThat(port.isInt()).as("port, an int: " + port).isTrue();
        assertThat(status).as("status, a string").isNotNull();
        assertThat(metadata.isObject()).as("metadata, a dict: " + metadata).isTrue();
        return id + " " + host + ":" + port.intValue() + " " + status + " version=" + key(metadata, "version")
                .textValue();
    }

    private JsonNode get(String path, int status) {
        TestServer.Reply reply = server.get(path);
        assertThat(reply.status()).as(path + ": " + reply.body()).isEqualTo(status);
        return reply.json();
    }

    @Test
    void readRoutes_readAsTheSeedsClientReadsThem() {
        register("orders", "o-1", "10.0.0.5", 8080, Status.UP);
        register("orders", "o-2", "::1", 8081, Status.DOWN);
        register("users", "u-1", "10.0.0.6", 8001, Status.UP);
        server = new TestServer(BeaconServer.builder(registry));

        // services = await list_services(): {"services": [{"name", "instances": [...]}, ...]}
        Map<String, List<String>> services = new LinkedHashMap<>();
        for (JsonNode svc : key(get("/services", 200), "services")) {
            List<String> instances = new ArrayList<>();
            for (JsonNode inst : key(svc, "instances")) {
                instances.add(instance(inst));
            }
            services.put(key(svc, "name").textValue(), instances);
        }
        assertThat(services).containsExactly(
                Map.entry("orders", List.of("o-1 10.0.0.5:8080 UP version=1.0", "o-2 ::1:8081 DOWN version=1.0")),
                Map.entry("users", List.of("u-1 10.0.0.6:8001 UP version=1.0")));

        // get_service("orders"): {"service_name": "orders", "instances": [...]}
        JsonNode orders = get("/services/orders", 200);
        assertThat(key(orders, "service_name").textValue()).isEqualTo("orders");
        List<String> listed = new ArrayList<>();
        key(orders, "instances").forEach(inst -> listed.add(instance(inst)));
        assertThat(listed).containsExactly("o-1 10.0.0.5:8080 UP version=1.0", "o-2 ::1:8081 DOWN version=1.0");

        // get_service_instance("orders"): the instance's fields and its "url"
        JsonNode picked = get("/services/orders/instance", 200);
        assertThat(instance(picked)).isEqualTo("o-1 10.0.0.5:8080 UP version=1.0");
        assertThat(key(picked, "url").textValue()).isEqualTo("http://10.0.0.5:8080");
        JsonNode down = get("/services/orders/instance?status=DOWN", 200);
        assertThat(key(down, "url").textValue()).as("an IPv6 literal in brackets").isEqualTo("http://[::1]:8081");

        // no instance: 404 (raise HTTPException(status_code=404))
        get("/services/payments/instance", 404);
        registry.deregister("users", "u-1");
        get("/services/users/instance", 404);
        assertThat(key(get("/services/users", 200), "instances").size()).isZero();
    }
}
