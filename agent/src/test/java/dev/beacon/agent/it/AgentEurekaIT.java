package dev.beacon.agent.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beacon.registry.eureka.EurekaServers;
import dev.beacon.registry.eureka.EurekaTestServer;
import dev.beacon.testing.JavaProcess;
import dev.beacon.testing.Jdks;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The agent on Eureka end to end: a real sample-app JVM with the built agent jar registers into a real Eureka server
 * (Spring Cloud Netflix's, in a child JVM), where a Spring Cloud Netflix Eureka client app (Spring's
 * {@code DiscoveryClient}, in another child JVM) finds it with its metadata, the server's dashboard shows it with its
 * status and the server's {@code /eureka/apps/ORDERS} with its metadata (the dashboard has no metadata column); a
 * SIGTERM cancels it at once. On the test JDK only.
 */
class AgentEurekaIT {

    @RegisterExtension
    static EurekaServers eureka = new EurekaServers();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static EurekaTestServer server;
    private static JavaProcess client;
    private static int clientPort;

    @BeforeAll
    static void start() throws Exception {
        server = eureka.start(Map.of());
        Path clientJar = Path.of("../eureka/eureka-client-app/target/eureka-client-app.jar");
        if (!Files.isRegularFile(clientJar)) {
            throw new org.opentest4j.TestAbortedException("the Eureka client app's jar is not built (" + clientJar
                    + "; mvn -B package -pl eureka/eureka-client-app)");
        }
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            clientPort = socket.getLocalPort();
        }
        client = JavaProcess.start(Jdks.current(), List.of("-Xmx256m", "-XX:TieredStopAtLevel=1", "-jar",
                clientJar.toAbsolutePath().toString(), "--server.port=" + clientPort,
                "--server.address=127.0.0.1",
                "--eureka.client.service-url.defaultZone=http://127.0.0.1:" + server.port() + "/eureka/"));
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
    }

    private static String get(int port, String path, String accept) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Accept", accept).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        return response.statusCode() == 200 ? response.body() : "";
    }

    /** What the Spring client app finds for {@code service}, once it lists {@code port}. */
    private static JsonNode awaitFoundBySpring(String service, int port, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            try {
                last = get(clientPort, "/found/" + service, "application/json");
                if (!last.isEmpty()) {
                    for (JsonNode found : JSON.readTree(last)) {
                        if (found.path("port").asInt() == port) {
                            return found;
                        }
                    }
                }
            } catch (java.io.IOException notYet) {
                // the client app is still starting
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the Spring Eureka client did not find " + service + " on port " + port + " within "
                + timeout + "; it last said " + last + "\n" + client.describe());
    }

    @Test
    void agentOnEureka_springDiscoveryClientFindsItWithMetadata_dashboardShowsIt_sigtermCancelsAtOnce()
            throws Exception {
        String uri = server.uri("");
        try (JavaProcess app = JavaProcess.start(Jdks.current(), List.of("-javaagent:"
                + AgentIT.AGENT_JAR.toAbsolutePath() + "=service=orders,host=127.0.0.1,registry=" + uri
                + ",meta.version=2.0", "-jar", AgentIT.SAMPLE_JAR.toAbsolutePath().toString()))) {
            int port = Integer.parseInt(app.awaitOut("listening on (\\d+)", Duration.ofSeconds(60)));

            JsonNode found = awaitFoundBySpring("orders", port, Duration.ofSeconds(90));
            assertThat(found.path("host").asText()).isEqualTo("127.0.0.1");
            assertThat(found.path("metadata").path("version").asText()).isEqualTo("2.0");
            assertThat(found.path("metadata").path("beacon.service").asText()).isEqualTo("orders");
            String id = found.path("instanceId").asText();
            // the dashboard shows the instance and its status, and has no metadata column (docs/registries.md): the
            // metadata is on the same server's /eureka/apps/ORDERS, which every Eureka client reads
            String dashboard = get(server.port(), "/", "text/html");
            assertThat(dashboard).as("the Eureka dashboard").contains("<b>ORDERS</b>").contains(id)
                    .contains("<b>UP</b> (1)");
            JsonNode listed = null;
            for (JsonNode instance : JSON.readTree(server.get("/eureka/apps/ORDERS").body()).path("application")
                    .path("instance")) {
                if (instance.path("instanceId").asText().equals(id)) {
                    listed = instance;
                }
            }
            assertThat(listed).as("instance " + id + " on the server's /eureka/apps/ORDERS").isNotNull();
            assertThat(listed.path("status").asText()).isEqualTo("UP");
            assertThat(listed.path("metadata").path("version").asText()).isEqualTo("2.0");
            assertThat(listed.path("metadata").path("beacon.service").asText()).isEqualTo("orders");

            app.terminate(Duration.ofSeconds(20));

            assertThat(server.get("/eureka/apps").body()).as("cancelled when the JVM has exited")
                    .doesNotContain("\"instanceId\":\"" + id + "\"");
            assertThat(String.join("\n", app.stderr())).doesNotContain("Exception");
            JvmOutput.assertNoWarnings(app);
        }
    }

    @Test
    void agentAndList_withBasicAuthCredentials_neverPrintThePassword() throws Exception {
        // this test server requires no credentials: it ignores them, the agent still sends and masks them (a server
        // that requires them: beacon-eureka's EurekaBasicAuthIT)
        String uri = "eureka://beacon:pw-Eu93k@127.0.0.1:" + server.port() + "/eureka";
        try (JavaProcess app = JavaProcess.start(Jdks.current(), List.of("-javaagent:"
                + AgentIT.AGENT_JAR.toAbsolutePath() + "=service=billing,host=127.0.0.1,registry=" + uri, "-jar",
                AgentIT.SAMPLE_JAR.toAbsolutePath().toString()))) {
            app.awaitOut("listening on (\\d+)", Duration.ofSeconds(60));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!server.get("/eureka/apps/BILLING").body().contains("billing") && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            JavaProcess.Result list = JavaProcess.run(Jdks.current(), List.of("-jar",
                    AgentIT.AGENT_JAR.toAbsolutePath().toString(), "list", "--registry", uri), Duration.ofSeconds(30));
            assertThat(list.exitCode()).as(list.err()).isZero();
            assertThat(list.out() + list.err()).contains("billing").doesNotContain("pw-Eu93k");
            app.terminate(Duration.ofSeconds(20));
            assertThat(String.join("\n", app.stderr()) + String.join("\n", app.stdout())).doesNotContain("pw-Eu93k");
        }
    }

    @Test
    void agentOnFileRegistry_loadsNoEurekaClassNorHttpClientOfItsOwn() throws Exception {
        Path dir = Files.createTempDirectory("beacon-eureka-classes");
        try (JavaProcess app = JavaProcess.start(Jdks.current(), List.of("-Xlog:class+load=info",
                "-javaagent:" + AgentIT.AGENT_JAR.toAbsolutePath() + "=service=orders,host=127.0.0.1,registry=file:"
                        + dir, "-jar", AgentIT.SAMPLE_JAR.toAbsolutePath().toString()))) {
            app.awaitOut("listening on (\\d+)", Duration.ofSeconds(60));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (String.join("\n", app.stderr()).indexOf("INFO registered service=orders") < 0
                    && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(String.join("\n", app.stderr())).contains("INFO registered service=orders");
            assertThat(app.stdout()).as("classes loaded for a file: registry")
                    .noneMatch(line -> line.contains("registry.eureka.EurekaServiceRegistry")
                            || line.contains("registry.eureka.internal.EurekaHttp"));
        }
    }
}
