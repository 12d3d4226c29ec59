package dev.beacon.agent.cli;

import dev.beacon.ServiceInstance;
import dev.beacon.Status;
import dev.beacon.registry.Registries;
import dev.beacon.registry.ServiceRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The exact bytes of every {@code --json} output: scripts parse them, so the instance shape, its field order and the
 * layout must not change by a byte.
 */
class BeaconCommandJsonTest {

    private static final String A = """
            {
                "id" : "a",
                "host" : "10.0.0.5",
                "port" : 8080,
                "status" : "UP",
                "metadata" : {
                  "version" : "1.4",
                  "zone" : "eu-1"
                },
                "ports" : {
                  "admin" : 9090
                }
              }""";
    private static final String B = """
            {
                "id" : "b",
                "host" : "::1",
                "port" : 81,
                "status" : "DOWN",
                "metadata" : { },
                "ports" : { }
              }""";

    @TempDir
    Path dir;

    private String registry() {
        return "file:" + dir.resolve("registry");
    }

    @BeforeEach
    void fill() {
        try (ServiceRegistry registry = Registries.open(registry())) {
            registry.register(ServiceInstance.builder("orders").id("a").host("10.0.0.5").port(8080)
                    .metadata(Map.of("zone", "eu-1", "version", "1.4")).ports(Map.of("admin", 9090)).build(),
                    Duration.ofMinutes(5));
            registry.register(ServiceInstance.builder("orders").id("b").host("::1").port(81).status(Status.DOWN)
                    .build(), Duration.ofMinutes(5));
        }
    }

    private String run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = BeaconCommand.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        assertThat(code).as(err.toString()).isZero();
        return out.toString();
    }

    /** A top-level instance, or one in a top-level array: two spaces less than in the list (arrays add no indent). */
    private static String alone(String instance) {
        return instance.replace("\n  ", "\n");
    }

    @Test
    void listJson_isExactlyTheDocumentedShape() {
        assertThat(run("list", "--json", "--registry", registry()))
                .isEqualTo("{\n  \"orders\" : [ " + A + ", " + B + " ]\n}\n");
    }

    @Test
    void getJson_isExactlyTheDocumentedShape() {
        assertThat(run("get", "orders", "--json", "--registry", registry()))
                .isEqualTo("[ " + alone(A) + ", " + alone(B) + " ]\n");
    }

    @Test
    void pickJson_isExactlyTheDocumentedShape() {
        assertThat(run("pick", "orders", "--json", "--registry", registry())).isEqualTo(alone(A) + "\n");
    }

    @Test
    void registerJson_isExactlyTheDocumentedShape() {
        assertThat(run("register", "orders", "--id", "b", "--host", "::1", "--port", "81", "--status", "DOWN",
                "--json", "--registry", registry())).isEqualTo(alone(B) + "\n");
    }

    @Test
    void watchJson_isOneCompactObjectPerLine() {
        String out = run("watch", "orders", "--for", "200ms", "--json", "--registry", registry());
        assertThat(out.replaceAll("\"time\":\"[^\"]+\"", "\"time\":\"T\"")).isEqualTo(
                "{\"time\":\"T\",\"type\":\"PRESENT\",\"service\":\"orders\",\"instance\":{\"id\":\"a\","
                        + "\"host\":\"10.0.0.5\",\"port\":8080,\"status\":\"UP\",\"metadata\":{\"version\":\"1.4\","
                        + "\"zone\":\"eu-1\"},\"ports\":{\"admin\":9090}}}\n"
                        + "{\"time\":\"T\",\"type\":\"PRESENT\",\"service\":\"orders\",\"instance\":{\"id\":\"b\","
                        + "\"host\":\"::1\",\"port\":81,\"status\":\"DOWN\",\"metadata\":{},\"ports\":{}}}\n");
    }
}
