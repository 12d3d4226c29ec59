package dev.beacon.agent.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beacon.testing.JavaProcess;
import dev.beacon.testing.Jdks;
import dev.beacon.registry.redis.RedisServers;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Maintenance end to end: a sample-app JVM with the built agent jar, put in maintenance by the built jar's
 * {@code beacon maint}, on the file registry and on a real redis-server. The agent says so once, the instance stays in
 * maintenance across its heartbeats and a restart of the app with the same id, and comes back when lifted.
 */
class MaintenanceIT {

    @RegisterExtension
    static RedisServers redis = new RedisServers();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ID = "orders-m1";
    private static final String IN = "orders id=" + ID + " is in maintenance: 'kernel upgrade' by ops since ";
    private static final String OUT = "orders id=" + ID + " is out of maintenance; clients choose it again";

    @TempDir
    Path temp;

    private String registry(String kind) {
        return kind.equals("file") ? "file:" + temp.resolve("registry") : redis.standalone().uri();
    }

    private static JavaProcess startApp(String registry) throws Exception {
        return JavaProcess.start(Jdks.current(), List.of(
                "-javaagent:" + AgentIT.AGENT_JAR.toAbsolutePath() + "=service=orders,id=" + ID + ",ttl=2s,registry="
                        + registry,
                "-jar", AgentIT.SAMPLE_JAR.toAbsolutePath().toString()));
    }

    private static JavaProcess.Result cli(String registry, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("-jar", AgentIT.AGENT_JAR.toAbsolutePath().toString()));
        all.addAll(List.of(args));
        all.addAll(List.of("--registry", registry));
        return JavaProcess.run(Jdks.current(), all, Duration.ofSeconds(30));
    }

    /** The instance {@link #ID} as {@code get orders --json} shows it; fails when it is not listed. */
    private static JsonNode shown(String registry) throws Exception {
        JavaProcess.Result get = cli(registry, "get", "orders", "--json");
        assertThat(get.exitCode()).as(get.err()).isZero();
        for (JsonNode instance : JSON.readTree(get.out())) {
            if (instance.path("id").asText().equals(ID)) {
                return instance;
            }
        }
        throw new AssertionError(ID + " not listed: " + get.out());
    }

    private static long count(JavaProcess app, String text) {
        return app.stderr().stream().filter(line -> line.startsWith("[beacon]") && line.contains(text)).count();
    }

    private static void awaitLine(JavaProcess app, String text) {
        await(text).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> count(app, text) > 0);
    }

    private static void awaitListed(String registry) {
        await("listed").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> cli(registry, "get", "orders", "--json").out().contains("\"" + ID + "\""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"file", "redis"})
    void maint_agentSaysSoOnce_staysInMaintenanceAcrossHeartbeatsAndARestart_untilLifted(String kind)
            throws Exception {
        String registry = registry(kind);
        try (JavaProcess first = startApp(registry)) {
            first.awaitOut("listening on (\\d+)", Duration.ofSeconds(30));
            awaitListed(registry);

            JavaProcess.Result maint = cli(registry, "maint", "orders", ID, "--reason", "kernel upgrade", "--by",
                    "ops");

            assertThat(maint.exitCode()).as(maint.err()).isZero();
            awaitLine(first, IN);
            Thread.sleep(3_000); // four heartbeats (ttl 2s: one every 667 ms), each asking the registry
            assertThat(count(first, IN)).as(first.describe()).isEqualTo(1);
            JsonNode instance = shown(registry);
            assertThat(instance.path("status").asText()).isEqualTo("MAINTENANCE");
            assertThat(instance.path("maintenance").path("reason").asText()).isEqualTo("kernel upgrade");
            assertThat(instance.path("maintenance").path("by").asText()).isEqualTo("ops");
            JavaProcess.Result pick = cli(registry, "pick", "orders");
            assertThat(pick.exitCode()).as("pick skips it: " + pick.out()).isEqualTo(1);
            assertThat(first.terminate(Duration.ofSeconds(20))).isNotNegative();
            assertThat(count(first, IN)).isEqualTo(1);
            JvmOutput.assertNoWarnings(first);
        }
        try (JavaProcess second = startApp(registry)) { // the app restarted with the same id
            second.awaitOut("listening on (\\d+)", Duration.ofSeconds(30));
            awaitListed(registry);
            assertThat(shown(registry).path("status").asText()).isEqualTo("MAINTENANCE");
            awaitLine(second, IN);

            JavaProcess.Result off = cli(registry, "maint", "--off", "orders", ID);

            assertThat(off.exitCode()).as(off.err()).isZero();
            awaitLine(second, OUT);
            assertThat(shown(registry).path("status").asText()).isEqualTo("UP");
            assertThat(shown(registry).has("maintenance")).isFalse();
            JavaProcess.Result pick = cli(registry, "pick", "orders", "--json");
            assertThat(pick.exitCode()).as(pick.err()).isZero();
            assertThat(JSON.readTree(pick.out()).path("id").asText()).isEqualTo(ID);
            Thread.sleep(1_500);
            assertThat(count(second, IN)).as(second.describe()).isEqualTo(1);
            assertThat(count(second, OUT)).isEqualTo(1);
            JvmOutput.assertNoWarnings(second);
        }
    }
}
