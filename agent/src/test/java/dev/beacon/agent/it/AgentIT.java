package dev.beacon.agent.it;

import dev.beacon.agent.logging.AgentLines;
import dev.beacon.testing.JavaProcess;
import dev.beacon.testing.Jdks;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beacon.ServiceInstance;
import dev.beacon.registry.FileServiceRegistry;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The agent end to end: real JVMs running the sample app with the built agent jar, on a temporary file registry, on
 * every JDK of {@link Jdks#all()}. In the normal cases neither the agent nor the JVM prints a warning
 * ({@link JvmOutput}).
 */
class AgentIT {

    static final Path AGENT_JAR = Path.of(System.getProperty("beacon.agent.jar", "target/beacon-agent.jar"));
    static final Path SAMPLE_JAR = Path.of(System.getProperty("beacon.sample.jar",
            "../sample-app/target/sample-app.jar"));
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path temp;

    static Stream<Path> jdks() {
        return Jdks.all();
    }

    private Path registryDir() {
        return temp.resolve("registry");
    }

    private String registry() {
        return "file:" + registryDir();
    }

    private JavaProcess startSample(Path java, String agentArgs, String... appArgs) throws Exception {
        List<String> args = new ArrayList<>();
        if (agentArgs != null) {
            args.add("-javaagent:" + AGENT_JAR.toAbsolutePath() + "=" + agentArgs);
        }
        args.add("-jar");
        args.add(SAMPLE_JAR.toAbsolutePath().toString());
        args.addAll(List.of(appArgs));
        return JavaProcess.start(java, args);
    }

    private JsonNode listJson() throws Exception {
        JavaProcess.Result result = JavaProcess.run(Jdks.current(),
                List.of("-jar", AGENT_JAR.toAbsolutePath().toString(), "list", "--registry", registry(), "--json"),
                Duration.ofSeconds(30));
        assertThat(result.exitCode()).as(result.err()).isZero();
        return JSON.readTree(result.out());
    }

    private static List<Integer> ports(JsonNode list, String service) {
        List<Integer> ports = new ArrayList<>();
        list.path(service).forEach(instance -> ports.add(instance.path("port").asInt()));
        return ports;
    }

    private List<ServiceInstance> instances(String service) {
        try (FileServiceRegistry registry = new FileServiceRegistry(registryDir())) {
            return registry.instances(service);
        }
    }

    private static int get(int port, String path) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        return response.statusCode();
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void agent_sampleApp_listedWithRealPortWithinTwoSeconds(Path java) throws Exception {
        try (JavaProcess app = startSample(java, "service=orders,registry=" + registry() + ",meta.version=1.4")) {
            int port = Integer.parseInt(app.awaitOut("listening on (\\d+)", Duration.ofSeconds(30)));
            long listeningAt = System.nanoTime();
            long foundAfterMillis = -1;
            while (System.nanoTime() - listeningAt < Duration.ofSeconds(5).toNanos()) {
                long attemptAt = System.nanoTime();
                JsonNode list = listJson();
                if (ports(list, "orders").contains(port)) {
                    foundAfterMillis = (attemptAt - listeningAt) / 1_000_000;
                    JsonNode instance = list.path("orders").get(0);
                    assertThat(instance.path("status").asText()).isEqualTo("UP");
                    assertThat(instance.path("metadata").path("version").asText()).isEqualTo("1.4");
                    assertThat(instance.path("id").asText()).isNotBlank();
                    assertThat(instance.path("host").asText()).isNotBlank();
                    break;
                }
            }
            assertThat(foundAfterMillis).as("ms from 'listening' to visible in list --json\n" + app.describe())
                    .isBetween(0L, 2000L);
            assertThat(get(port, "/")).isEqualTo(200);
            assertThat(app.stderr()).as(app.describe()).noneMatch(line -> line.contains("WARN")
                    || line.contains("SLF4J") || line.contains("Exception"));
            JvmOutput.assertNoWarnings(app);
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void agent_twoInstances_listedAsTwo(Path java) throws Exception {
        try (JavaProcess first = startSample(java, "service=orders,registry=" + registry());
             JavaProcess second = startSample(java, "service=orders,registry=" + registry())) {
            int port1 = Integer.parseInt(first.awaitOut("listening on (\\d+)", Duration.ofSeconds(30)));
            int port2 = Integer.parseInt(second.awaitOut("listening on (\\d+)", Duration.ofSeconds(30)));
            awaitPorts("orders", List.of(port1, port2), Duration.ofSeconds(5));
            JsonNode list = listJson();
            assertThat(ports(list, "orders")).containsExactlyInAnyOrder(port1, port2);
            assertThat(list.path("orders").get(0).path("id").asText())
                    .isNotEqualTo(list.path("orders").get(1).path("id").asText());
            JvmOutput.assertNoWarnings(first);
            JvmOutput.assertNoWarnings(second);
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void agent_sigterm_deregisteredBeforeAppShutdownHooksRun(Path java) throws Exception {
        try (JavaProcess app = startSample(java, "service=orders,registry=" + registry(),
                "--registry", registry(), "--check-deregistered-on-shutdown", "orders")) {
            int port = Integer.parseInt(app.awaitOut("listening on (\\d+)", Duration.ofSeconds(30)));
            awaitPorts("orders", List.of(port), Duration.ofSeconds(5));
            app.terminate(Duration.ofSeconds(20));
            assertThat(app.stdout()).as(app.describe()).contains("shutdown-hook: self registered=false");
            assertThat(ports(listJson(), "orders")).doesNotContain(port);
            JvmOutput.assertNoWarnings(app);
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void agent_sigkill_goneWithinTtlPlusOneSecond(Path java) throws Exception {
        try (JavaProcess app = startSample(java, "service=orders,registry=" + registry() + ",ttl=2s")) {
            int port = Integer.parseInt(app.awaitOut("listening on (\\d+)", Duration.ofSeconds(30)));
            awaitPorts("orders", List.of(port), Duration.ofSeconds(5));
            JvmOutput.assertNoWarnings(app);
            app.kill();
            long killedAt = System.nanoTime();
            while (instances("orders").stream().anyMatch(i -> i.port() == port)) {
                assertThat(System.nanoTime() - killedAt).as("still listed after SIGKILL")
                        .isLessThan(Duration.ofSeconds(3).toNanos());
                Thread.sleep(20);
            }
            long goneAfterMillis = (System.nanoTime() - killedAt) / 1_000_000;
            assertThat(goneAfterMillis).isLessThanOrEqualTo(3000);
            assertThat(ports(listJson(), "orders")).doesNotContain(port);
        }
    }

    static Stream<Arguments> badArguments() {
        return Jdks.all().flatMap(java -> Stream.of("service=orders,ttl=abc", "service=orders,colour=blue",
                "service=Bad_Name!", "service=orders,registry=etcd://localhost:2379", "service=orders,port=70000",
                "nonsense").map(args -> Arguments.of(args, java)));
    }

    @ParameterizedTest
    @MethodSource("badArguments")
    void agent_badArguments_appServesNormallyWithOneClearLine(String badArgs, Path java) throws Exception {
        try (JavaProcess app = startSample(java, badArgs + (badArgs.contains("registry=") ? ""
                : ",registry=" + registry()))) {
            int port = Integer.parseInt(app.awaitOut("listening on (\\d+)", Duration.ofSeconds(30)));
            assertThat(get(port, "/")).isEqualTo(200);
            Thread.sleep(300);
            List<String> beaconLines = app.stderr().stream().filter(AgentLines::isAgentLine).toList();
            assertThat(beaconLines).as(app.describe()).hasSize(1);
            assertThat(AgentLines.level(beaconLines.get(0))).as(beaconLines.get(0)).hasValue("ERROR");
            assertThat(beaconLines.get(0)).contains("the agent is disabled");
            String badValue = badArgs.contains("ttl=") ? "ttl 'abc'" : badArgs.contains("colour") ? "colour"
                    : badArgs.contains("Bad_Name") ? "Bad_Name!" : badArgs.contains("etcd") ? "etcd"
                    : badArgs.contains("port=") ? "port=70000" : "nonsense";
            assertThat(beaconLines.get(0)).contains(badValue);
            assertThat(app.stderr()).as(app.describe()).noneMatch(l -> l.contains("Exception") || l.contains("\tat "));
            assertThat(JvmOutput.warnings(app)).as("nothing else the JVM or the agent warns of\n" + app.describe())
                    .containsExactly(beaconLines.get(0));
            assertThat(Files.exists(registryDir())).isFalse();
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void agent_appWithOldJacksonAndSlf4j_worksUnchangedWithoutBindingWarnings(Path java) throws Exception {
        Path libs = Path.of(System.getProperty("beacon.conflict.libs", "target/conflict-libs"));
        assertThat(libs).isDirectory();
        String classpath = Path.of("target/test-classes").toAbsolutePath() + File.pathSeparator + libs.toAbsolutePath()
                + File.separator + "*";
        try (JavaProcess app = JavaProcess.start(java, List.of(
                "-javaagent:" + AGENT_JAR.toAbsolutePath() + "=service=conflict,registry=" + registry(),
                "-cp", classpath, ConflictApp.class.getName()))) {
            int port = Integer.parseInt(app.awaitOut("listening on (\\d+)", Duration.ofSeconds(30)));
            assertThat(app.stdout()).as(app.describe()).anyMatch(l -> l.startsWith("jackson 2.9."));
            assertThat(app.stdout()).contains("json {\"app\":\"conflict\"}");
            awaitPorts("conflict", List.of(port), Duration.ofSeconds(5));
            assertThat(get(port, "/")).isEqualTo(200);
            assertThat(app.stderr()).as(app.describe()).anyMatch(l -> l.contains("app logging works"));
            assertThat(app.stderr()).as(app.describe()).noneMatch(l -> l.startsWith("SLF4J"));
            JvmOutput.assertNoWarnings(app);
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void attach_runningAppWithoutAgent_registersItsExistingPort(Path java) throws Exception {
        try (JavaProcess app = JavaProcess.start(java, List.of("-XX:+IgnoreUnrecognizedVMOptions",
                "-XX:+EnableDynamicAgentLoading", "-jar", SAMPLE_JAR.toAbsolutePath().toString()))) {
            int port = Integer.parseInt(app.awaitOut("listening on (\\d+)", Duration.ofSeconds(30)));
            JavaProcess.Result attach = JavaProcess.run(java, List.of("-jar", AGENT_JAR.toAbsolutePath().toString(),
                    "attach", Long.toString(app.pid()), "service=attached,registry=" + registry()),
                    Duration.ofSeconds(60));
            assertThat(attach.exitCode()).as(attach.out() + attach.err()).isZero();
            assertThat(attach.out()).contains("registered attached", ":" + port);
            assertThat(instances("attached")).extracting(ServiceInstance::port).containsExactly(port);
            JvmOutput.assertNoWarnings(app);
            app.terminate(Duration.ofSeconds(20));
            assertThat(instances("attached")).isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void agent_pickedUpByJdkToolThroughJavaToolOptions_staysSilent(Path java) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(java.resolveSibling("jps").toString());
        builder.environment().put("JAVA_TOOL_OPTIONS", "-javaagent:" + AGENT_JAR.toAbsolutePath()
                + "=service=jps,log=debug,registry=" + registry()); // debug: any agent activity prints
        builder.redirectErrorStream(true);
        Process jps = builder.start();
        String output = new String(jps.getInputStream().readAllBytes());
        assertThat(jps.waitFor()).isZero();
        assertThat(output).doesNotContain("[beacon]");
        assertThat(Files.exists(registryDir())).isFalse();
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void agent_loopbackAdminThenMainPort_mainIsPrimaryAndAdminIsNamed(Path java) throws Exception {
        String classpath = Path.of("target/test-classes").toAbsolutePath().toString();
        try (JavaProcess app = JavaProcess.start(java, List.of(
                "-javaagent:" + AGENT_JAR.toAbsolutePath() + "=service=twoports,registry=" + registry(),
                "-cp", classpath, TwoPortsApp.class.getName()))) {
            int admin = Integer.parseInt(app.awaitOut("admin (\\d+)", Duration.ofSeconds(30)));
            int main = Integer.parseInt(app.awaitOut("listening on (\\d+)", Duration.ofSeconds(30)));
            awaitPorts("twoports", List.of(main), Duration.ofSeconds(5));
            // the admin socket never accepts: the serving rule registers it once it stayed open 500 ms
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (!instances("twoports").get(0).ports().containsValue(admin) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            ServiceInstance instance = instances("twoports").get(0);
            assertThat(instance.port()).as("the loopback-only admin port bound first is not the primary")
                    .isEqualTo(main);
            assertThat(instance.ports()).containsEntry("tcp-" + admin, admin);
            assertThat(app.stderr()).as(app.describe()).anyMatch(l -> l.contains("advertising "));
            JvmOutput.assertNoWarnings(app);
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void agent_debuggerAndJmxPorts_neverRegistered(Path java) throws Exception {
        int jdwp;
        int jmx;
        try (java.net.ServerSocket a = new java.net.ServerSocket(0); java.net.ServerSocket b = new java.net.ServerSocket(0)) {
            jdwp = a.getLocalPort();
            jmx = b.getLocalPort();
        }
        try (JavaProcess app = JavaProcess.start(java, List.of(
                "-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=127.0.0.1:" + jdwp,
                "-Dcom.sun.management.jmxremote.port=" + jmx, "-Dcom.sun.management.jmxremote.authenticate=false",
                "-Dcom.sun.management.jmxremote.ssl=false",
                "-javaagent:" + AGENT_JAR.toAbsolutePath() + "=service=managed,registry=" + registry(),
                "-jar", SAMPLE_JAR.toAbsolutePath().toString()))) {
            int port = Integer.parseInt(app.awaitOut("listening on (\\d+)", Duration.ofSeconds(30)));
            awaitPorts("managed", List.of(port), Duration.ofSeconds(5));
            Thread.sleep(2_500); // let /proc scans run too
            ServiceInstance instance = instances("managed").get(0);
            assertThat(instance.port()).isEqualTo(port);
            assertThat(instance.ports()).as("no JVM-owned port (jdwp " + jdwp + ", jmx " + jmx + ", RMI)").isEmpty();
            JvmOutput.assertNoWarnings(app);
        }
    }

    private void awaitPorts(String service, List<Integer> ports, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            List<Integer> listed = instances(service).stream().map(ServiceInstance::port).toList();
            if (listed.containsAll(ports)) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError(service + " did not list ports " + ports + " within " + timeout + "; it lists "
                + instances(service));
    }
}
