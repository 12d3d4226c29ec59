package dev.beacon.health;

import dev.beacon.ServiceInstance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The built-in checks against real sockets on the loopback interface. */
class HealthCheckTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable resource : resources) {
            resource.close();
        }
    }

    private TestHttpServer server() throws IOException {
        TestHttpServer server = new TestHttpServer();
        resources.add(server);
        return server;
    }

    private static ServiceInstance at(int port) {
        return ServiceInstance.builder("orders").id("orders-1").host("127.0.0.1").port(port).build();
    }

    /** A port nobody listens on (bound, then closed). */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    // ---- http

    @ParameterizedTest
    @ValueSource(ints = {200, 204, 299})
    void http_2xx_passesNamingTheStatus(int status) throws IOException {
        TestHttpServer server = server();
        server.status = status;

        HealthCheck.Result result = HealthCheck.http("/health", TIMEOUT).check(at(server.port()));

        assertThat(result.passed()).isTrue();
        assertThat(result.detail()).isEqualTo("/health answered " + status);
        assertThat(result.elapsed()).isLessThan(TIMEOUT);
    }

    @ParameterizedTest
    @ValueSource(ints = {503, 500, 404, 400})
    void http_otherStatus_failsNamingTheStatus(int status) throws IOException {
        TestHttpServer server = server();
        server.status = status;

        HealthCheck.Result result = HealthCheck.http("/health", TIMEOUT).check(at(server.port()));

        assertThat(result.passed()).isFalse();
        assertThat(result.detail()).isEqualTo("/health answered " + status);
    }

    @Test
    void http_redirect_isNotFollowedAndFails() throws IOException {
        TestHttpServer server = server();

        HealthCheck.Result result = HealthCheck.http("/redirect", TIMEOUT).check(at(server.port()));

        assertThat(result.passed()).isFalse();
        assertThat(result.detail()).isEqualTo("/redirect answered 301");
        assertThat(server.healthRequests.get()).isZero();
    }

    @Test
    void http_slowAnswer_failsAfterTheTimeout() throws IOException {
        TestHttpServer server = server();

        long start = System.nanoTime();
        HealthCheck.Result result = HealthCheck.http("/slow", Duration.ofMillis(300)).check(at(server.port()));
        long tookMillis = (System.nanoTime() - start) / 1_000_000;

        assertThat(result.passed()).isFalse();
        assertThat(result.detail()).isEqualTo("/slow timed out after 300 ms");
        assertThat(tookMillis).isBetween(250L, 2000L);
    }

    @Test
    void http_closedPort_failsAsRefused() throws IOException {
        HealthCheck.Result result = HealthCheck.http("/health", TIMEOUT).check(at(closedPort()));

        assertThat(result.passed()).isFalse();
        assertThat(result.detail()).isEqualTo("/health: connection refused");
    }

    @Test
    void http_pathWithQuery_isSentAsGiven() throws IOException {
        TestHttpServer server = server();

        HealthCheck.Result result = HealthCheck.http("/health?full=true", TIMEOUT).check(at(server.port()));

        assertThat(result.detail()).isEqualTo("/health?full=true answered 200");
        assertThat(server.healthRequests.get()).isEqualTo(1);
    }

    @Test
    void http_url_ignoresTheInstanceAddress() throws IOException {
        TestHttpServer server = server();
        URI url = URI.create("http://127.0.0.1:" + server.port() + "/health");

        HealthCheck.Result result = HealthCheck.http(url, TIMEOUT).check(at(closedPort()));

        assertThat(result.passed()).isTrue();
        assertThat(result.detail()).isEqualTo(url + " answered 200");
    }

    @Test
    void http_ipv6Instance_isAddressedInBrackets() throws IOException {
        dev.beacon.testing.Prerequisite.requireIpv6Loopback("checking an IPv6 instance");
        TestHttpServer server = new TestHttpServer(InetAddress.getByName("::1"));
        resources.add(server);
        ServiceInstance instance = ServiceInstance.builder("orders").host("::1").port(server.port()).build();

        HealthCheck.Result result = HealthCheck.http("/health", TIMEOUT).check(instance);

        assertThat(result.passed()).as(result.detail()).isTrue();
    }

    @Test
    void http_manyThreadsAtOnce_allPassOnOneCheck() throws Exception {
        TestHttpServer server = server();
        HealthCheck check = HealthCheck.http("/health", TIMEOUT);
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<HealthCheck.Result>> results = new ArrayList<>();
            for (int i = 0; i < 80; i++) {
                results.add(threads.submit(() -> check.check(at(server.port()))));
            }
            for (Future<HealthCheck.Result> result : results) {
                assertThat(result.get().passed()).isTrue();
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(server.healthRequests.get()).isEqualTo(80);
    }

    @Test
    void http_afterChecks_clientThreadsAreDaemons() throws IOException {
        TestHttpServer server = server();

        HealthCheck.http("/health", TIMEOUT).check(at(server.port()));

        List<Thread> clientThreads = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("beacon-health-http") || t.getName().startsWith("HttpClient"))
                .toList();
        assertThat(clientThreads).isNotEmpty().allMatch(Thread::isDaemon);
    }

    @ParameterizedTest
    @ValueSource(strings = {"health", "", "//evil.example/health", "/he alth", "/health#x"})
    void http_badPath_throwsNamingIt(String path) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HealthCheck.http(path, TIMEOUT));

        assertThat(e.getMessage()).startsWith("health check path").contains("'" + path + "'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://h/health", "/health", "http:///health", "mailto:ops@example.com"})
    void http_badUrl_throwsNamingIt(String url) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HealthCheck.http(URI.create(url), TIMEOUT));

        assertThat(e.getMessage()).startsWith("health check URL must be an absolute http:// or https:// URL")
                .endsWith("but was '" + url + "'");
    }

    @Test
    void http_badTimeout_throwsNamingIt() {
        assertThat(assertThrows(IllegalArgumentException.class, () -> HealthCheck.http("/health", Duration.ZERO))
                .getMessage()).isEqualTo("health check timeout must be between 1ms and 1m, but was PT0S");
        assertThat(assertThrows(IllegalArgumentException.class, () -> HealthCheck.tcp(Duration.ofMinutes(2)))
                .getMessage()).isEqualTo("health check timeout must be between 1ms and 1m, but was PT2M");
        assertThat(assertThrows(IllegalArgumentException.class, () -> HealthCheck.tcp(null))
                .getMessage()).endsWith("but was null");
    }

    // ---- tcp

    @Test
    void tcp_listeningPort_passes() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            HealthCheck.Result result = HealthCheck.tcp(TIMEOUT).check(at(socket.getLocalPort()));

            assertThat(result.passed()).isTrue();
            assertThat(result.detail()).startsWith("tcp 127.0.0.1:" + socket.getLocalPort()
                    + " accepted the connection in ");
        }
    }

    @Test
    void tcp_closedPort_failsAsRefused() throws IOException {
        int port = closedPort();

        HealthCheck.Result result = HealthCheck.tcp(TIMEOUT).check(at(port));

        assertThat(result.passed()).isFalse();
        assertThat(result.detail()).isEqualTo("tcp 127.0.0.1:" + port + ": connection refused");
    }

    @Test
    void tcp_unknownHost_failsNamingIt() {
        ServiceInstance instance = ServiceInstance.builder("orders").host("no-such-host.invalid").port(80).build();

        HealthCheck.Result result = HealthCheck.tcp(TIMEOUT).check(instance);

        assertThat(result.passed()).isFalse();
        assertThat(result.detail()).startsWith("tcp no-such-host.invalid:80 failed: ");
    }

    @Test
    void result_negativeElapsed_throws() {
        assertThat(assertThrows(IllegalArgumentException.class,
                () -> HealthCheck.Result.pass("x", Duration.ofMillis(-1))).getMessage())
                .isEqualTo("elapsed must not be negative, but was PT-0.001S");
    }
}
