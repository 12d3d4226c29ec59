package dev.beacon.agent.lifecycle;

import com.sun.net.httpserver.HttpServer;
import dev.beacon.ServiceInstance;
import dev.beacon.agent.declared.Framework;
import dev.beacon.health.HealthCheck;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code health=auto} against a real HTTP server that answers like a starting Spring Boot app. */
class AutoReadinessTest {

    private final Map<String, Deque<Integer>> answers = new HashMap<>();
    private HttpServer server;

    private int serve(Map<String, List<Integer>> statuses) throws IOException {
        statuses.forEach((path, list) -> answers.put(path, new ArrayDeque<>(list)));
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            Deque<Integer> queue = answers.get(exchange.getRequestURI().getPath());
            int status = queue == null ? 404 : queue.size() > 1 ? queue.poll() : queue.peek();
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
        return server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private static ServiceInstance at(int port) {
        return ServiceInstance.builder("orders").id("i-1").host("127.0.0.1").port(port).build();
    }

    @Test
    void check_readinessNotReady_failsWithoutFallingBackToOverallHealth() throws IOException {
        int port = serve(Map.of("/actuator/health/readiness", List.of(503), "/actuator/health", List.of(200)));
        AutoReadiness check = new AutoReadiness(Framework.SPRING_BOOT, Duration.ofSeconds(1));

        HealthCheck.Result result = check.check(at(port));

        assertThat(result.passed()).isFalse();
        assertThat(result.detail()).endsWith("/actuator/health/readiness answered 503");
        assertThat(check.chosen()).isNull();
    }

    @Test
    void check_noReadinessGroup_usesOverallHealth() throws IOException {
        int port = serve(Map.of("/actuator/health", List.of(200)));
        AutoReadiness check = new AutoReadiness(Framework.SPRING_BOOT, Duration.ofSeconds(1));

        assertThat(check.check(at(port)).passed()).isTrue();
        assertThat(check.chosen()).isEqualTo(new Framework.Endpoint(null, "/actuator/health"));
    }

    /** Regression: a starting app answered 404 on its readiness group once, and the weaker endpoint was kept. */
    @Test
    void check_readinessAnswers404ForAMomentWhileStarting_keepsReadinessOnceItPasses() throws IOException {
        int port = serve(Map.of("/actuator/health/readiness", List.of(404, 200),
                "/actuator/health", List.of(503, 200)));
        AutoReadiness check = new AutoReadiness(Framework.SPRING_BOOT, Duration.ofSeconds(1));

        assertThat(check.check(at(port)).passed()).isFalse();
        assertThat(check.chosen()).isNull();
        assertThat(check.check(at(port)).passed()).isTrue();
        assertThat(check.chosen()).isEqualTo(new Framework.Endpoint(null, "/actuator/health/readiness"));
    }

    @Test
    void check_managementPortRegistered_isProbedFirst() throws IOException {
        int management = serve(Map.of("/actuator/health/readiness", List.of(200)));
        ServiceInstance instance = at(1).toBuilder().ports(Map.of("management", management)).build();
        AutoReadiness check = new AutoReadiness(Framework.SPRING_BOOT, Duration.ofSeconds(1));

        assertThat(check.check(instance).passed()).isTrue();
        assertThat(check.chosen()).isEqualTo(new Framework.Endpoint("management", "/actuator/health/readiness"));
    }

    @Test
    void check_nothingListens_failsSayingSo() {
        AutoReadiness check = new AutoReadiness(Framework.QUARKUS, Duration.ofMillis(300));

        HealthCheck.Result result = check.check(at(1));

        assertThat(result.passed()).isFalse();
        assertThat(result.detail()).contains("http://127.0.0.1:1/q/health/ready");
    }
}
