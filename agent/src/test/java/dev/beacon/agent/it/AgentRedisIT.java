package dev.beacon.agent.it;

import dev.beacon.agent.logging.AgentLines;
import dev.beacon.testing.JavaProcess;
import dev.beacon.testing.Jdks;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beacon.ServiceInstance;
import dev.beacon.registry.ServiceRegistry;
import dev.beacon.registry.redis.RedisServer;
import dev.beacon.registry.redis.RedisServers;
import dev.beacon.registry.redis.RedisServiceRegistry;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The agent end to end on Redis: real sample-app JVMs with the built agent jar, on every JDK of {@link Jdks#all()}, a
 * real redis-server. Apart from the outage, neither the agent nor the JVM prints a warning ({@link JvmOutput}).
 */
class AgentRedisIT {

    @RegisterExtension
    static RedisServers redis = new RedisServers();

    private static final ObjectMapper JSON = new ObjectMapper();

    static Stream<Path> jdks() {
        return Jdks.all();
    }

    private JavaProcess startSample(Path java, String agentArgs, String... appArgs) throws Exception {
        List<String> args = new ArrayList<>();
        args.add("-javaagent:" + AgentIT.AGENT_JAR.toAbsolutePath() + "=" + agentArgs);
        args.add("-jar");
        args.add(AgentIT.SAMPLE_JAR.toAbsolutePath().toString());
        args.addAll(List.of(appArgs));
        return JavaProcess.start(java, args);
    }

    private static List<Integer> ports(ServiceRegistry registry, String service) {
        return registry.instances(service).stream().map(ServiceInstance::port).toList();
    }

    private static long awaitListed(ServiceRegistry registry, String service, int port, boolean listed,
                                    Duration timeout) throws InterruptedException {
        long start = System.nanoTime();
        while (System.nanoTime() - start < timeout.toNanos()) {
            try {
                if (ports(registry, service).contains(port) == listed) {
                    return (System.nanoTime() - start) / 1_000_000;
                }
            } catch (RuntimeException redisDown) {
                // keep polling
            }
            Thread.sleep(20);
        }
        throw new AssertionError(service + " port " + port + (listed ? " not listed" : " still listed")
                + " after " + timeout);
    }

    private static int get(int port) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void agentOnRedis_visibleFromAnotherJvmsList_andGoneBeforeExitOnSigterm(Path java) throws Exception {
        RedisServer server = redis.standalone();
        String uri = server.uri();
        try (JavaProcess app = startSample(java, "service=orders,registry=" + uri + ",meta.version=2.0",
                "--registry", uri, "--check-deregistered-on-shutdown", "orders");
             ServiceRegistry registry = RedisServiceRegistry.open(uri)) {
            int port = Integer.parseInt(app.awaitOut("listening on (\\d+)", Duration.ofSeconds(30)));
            awaitListed(registry, "orders", port, true, Duration.ofSeconds(5));
            JavaProcess.Result list = JavaProcess.run(Jdks.current(), List.of("-jar",
                    AgentIT.AGENT_JAR.toAbsolutePath().toString(), "list", "--registry", uri, "--json"),
                    Duration.ofSeconds(30));
            assertThat(list.exitCode()).as(list.err()).isZero();
            JsonNode orders = JSON.readTree(list.out()).path("orders");
            assertThat(orders).hasSize(1);
            assertThat(orders.get(0).path("port").asInt()).isEqualTo(port);
            assertThat(orders.get(0).path("metadata").path("version").asText()).isEqualTo("2.0");

            app.terminate(Duration.ofSeconds(20));
            assertThat(app.stdout()).as(app.describe()).contains("shutdown-hook: self registered=false");
            assertThat(ports(registry, "orders")).doesNotContain(port);
            JvmOutput.assertNoWarnings(app);
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void agentOnRedis_sigkill_goneWithinTtlPlusOneSecond(Path java) throws Exception {
        RedisServer server = redis.standalone();
        try (JavaProcess app = startSample(java, "service=orders,ttl=2s,registry=" + server.uri());
             ServiceRegistry registry = RedisServiceRegistry.open(server.uri())) {
            int port = Integer.parseInt(app.awaitOut("listening on (\\d+)", Duration.ofSeconds(30)));
            awaitListed(registry, "orders", port, true, Duration.ofSeconds(5));
            JvmOutput.assertNoWarnings(app);
            app.kill();
            long goneAfter = awaitListed(registry, "orders", port, false, Duration.ofSeconds(3));
            assertThat(goneAfter).as("ms from SIGKILL to gone (ttl 2000 ms)").isLessThanOrEqualTo(3000);
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void agentOnRedis_redisDownTenSecondsThenBackEmpty_appServesAndInstanceReturnsWithinOneHeartbeat(Path java)
            throws Exception {
        RedisServer server = redis.standalone();
        Duration heartbeat = Duration.ofSeconds(2);
        try (JavaProcess app = startSample(java, "service=orders,ttl=6s,heartbeat=2s,registry=" + server.uri()
                + "?timeout=500ms&connect-timeout=500ms");
             ServiceRegistry registry = RedisServiceRegistry.open(server.uri())) {
            int port = Integer.parseInt(app.awaitOut("listening on (\\d+)", Duration.ofSeconds(30)));
            awaitListed(registry, "orders", port, true, Duration.ofSeconds(5));

            server.kill();
            long downSince = System.nanoTime();
            while (System.nanoTime() - downSince < Duration.ofSeconds(10).toNanos()) {
                assertThat(get(port)).as("the app keeps serving while Redis is down").isEqualTo(200);
                Thread.sleep(500);
            }
            server.restart(); // empty: it keeps nothing on disk
            long backAfter = awaitListed(registry, "orders", port, true, Duration.ofSeconds(10));
            assertThat(backAfter).as("ms from Redis restart to the instance registered again (heartbeat 2000 ms)")
                    .isLessThanOrEqualTo(heartbeat.toMillis() + 500);
            assertThat(get(port)).isEqualTo(200);
            long warnings = app.stderr().stream().filter(l -> AgentLines.hasLevel(l, "WARN")).count();
            assertThat(warnings).as("warnings during a 10 s outage\n" + app.describe()).isBetween(1L, 3L);
            assertThat(app.stderr()).as(app.describe()).anyMatch(l -> l.contains("reachable again"));
            assertThat(JvmOutput.warnings(app)).as("only the agent's own warnings about the outage\n" + app.describe())
                    .allMatch(l -> AgentLines.hasLevel(l, "WARN"));
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void agentAndList_withPassword_neverPrintIt(Path java) throws Exception {
        RedisServer server = redis.withAcl("beacon", "pw-Zq81x", "~beacon:* &beacon:* +evalsha +eval +publish "
                + "+subscribe +ping +zadd +client|setname +time +hset +hget +hmget +hdel +zrem +zscore +zcount "
                + "+zrange +zrangebyscore +zremrangebyscore +pttl +pexpire");
        String uri = server.uri().replace("redis://", "redis://beacon:pw-Zq81x@");
        try (JavaProcess app = startSample(java, "service=orders,registry=" + uri)) {
            int port = Integer.parseInt(app.awaitOut("listening on (\\d+)", Duration.ofSeconds(30)));
            try (ServiceRegistry registry = RedisServiceRegistry.open(uri)) {
                awaitListed(registry, "orders", port, true, Duration.ofSeconds(5));
            }
            JavaProcess.Result list = JavaProcess.run(Jdks.current(), List.of("-jar",
                    AgentIT.AGENT_JAR.toAbsolutePath().toString(), "list", "--registry", uri), Duration.ofSeconds(30));
            assertThat(list.exitCode()).isZero();
            assertThat(list.out()).contains("orders").doesNotContain("pw-Zq81x");
            app.terminate(Duration.ofSeconds(20));
            assertThat(String.join("\n", app.stderr())).contains("registered service=orders")
                    .contains("beacon:****@").doesNotContain("pw-Zq81x");
            JvmOutput.assertNoWarnings(app);
        }
        server.kill();
        JavaProcess.Result down = JavaProcess.run(Jdks.current(), List.of("-jar",
                AgentIT.AGENT_JAR.toAbsolutePath().toString(), "list", "--registry",
                uri + "?connect-timeout=300ms&timeout=300ms"), Duration.ofSeconds(30));
        assertThat(down.exitCode()).as("exit code when the registry is unreachable").isEqualTo(3);
        assertThat(down.err().lines().count()).as(down.err()).isEqualTo(1);
        assertThat(down.err()).contains(server.address().toString()).doesNotContain("pw-Zq81x")
                .doesNotContain("\tat ");
    }
}
