package dev.beacon.sample;

import com.sun.net.httpserver.HttpServer;
import dev.beacon.ServiceInstance;
import dev.beacon.Status;
import dev.beacon.client.DiscoveryClient;
import dev.beacon.registry.InMemoryServiceRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SampleServerTest {

    private final InMemoryServiceRegistry registry = new InMemoryServiceRegistry();
    private final DiscoveryClient client = DiscoveryClient.builder(registry).build();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<SampleServer> servers = new ArrayList<>();

    @AfterEach
    void closeAll() {
        servers.forEach(SampleServer::close);
        client.close();
        registry.close();
    }

    @Test
    void root_get_answersNameAndPort() throws Exception {
        SampleServer server = start("orders-1");

        HttpResponse<String> response = send(server, "GET", "/");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("orders-1 on port " + server.port());
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/plain; charset=utf-8");
    }

    @Test
    void health_atStart_isUp() throws Exception {
        HttpResponse<String> response = send(start("a"), "GET", "/health");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("UP");
    }

    @Test
    void health_afterPostDownThenUp_togglesBetween503And200() throws Exception {
        SampleServer server = start("a");

        assertThat(send(server, "POST", "/health/down").statusCode()).isEqualTo(503);
        HttpResponse<String> down = send(server, "GET", "/health");
        assertThat(down.statusCode()).isEqualTo(503);
        assertThat(down.body()).isEqualTo("DOWN");

        assertThat(send(server, "POST", "/health/up").statusCode()).isEqualTo(200);
        HttpResponse<String> up = send(server, "GET", "/health");
        assertThat(up.statusCode()).isEqualTo(200);
        assertThat(up.body()).isEqualTo("UP");
    }

    @Test
    void health_wrongMethods_are405AndChangeNothing() throws Exception {
        SampleServer server = start("a");

        HttpResponse<String> put = send(server, "PUT", "/health");
        HttpResponse<String> getDown = send(server, "GET", "/health/down");

        assertThat(put.statusCode()).isEqualTo(405);
        assertThat(put.headers().firstValue("Allow")).hasValue("GET");
        assertThat(getDown.statusCode()).isEqualTo(405);
        assertThat(getDown.headers().firstValue("Allow")).hasValue("POST");
        assertThat(getDown.body()).isEqualTo("method GET is not allowed on /health/down; use POST");
        assertThat(send(server, "GET", "/health").body()).isEqualTo("UP");
    }

    @Test
    void unknownPath_is404ListingThePages() throws Exception {
        HttpResponse<String> response = send(start("a"), "GET", "/healthz");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).contains("/healthz", "/call/{service}");
    }

    @Test
    void lookup_registeredInstances_listsIdAddressAndStatusPerLine() throws Exception {
        register("b-2", 2222, Status.DOWN);
        register("b-1", 1111, Status.UP);

        HttpResponse<String> response = send(start("a"), "GET", "/lookup/payments");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("b-1 127.0.0.1:1111 UP\nb-2 127.0.0.1:2222 DOWN\n");
    }

    @Test
    void lookup_noInstances_isEmpty() throws Exception {
        HttpResponse<String> response = send(start("a"), "GET", "/lookup/payments");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEmpty();
    }

    @Test
    void call_noInstance_is503NamingTheService() throws Exception {
        HttpResponse<String> response = send(start("a"), "GET", "/call/payments");

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.body()).startsWith("no UP instance of 'payments' is registered");
    }

    @Test
    void call_twoUpInstances_alternatesBetweenThem() throws Exception {
        SampleServer first = start("payments-1");
        SampleServer second = start("payments-2");
        register("p1", first.port(), Status.UP);
        register("p2", second.port(), Status.UP);
        SampleServer orders = start("orders-1");

        List<String> answers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            HttpResponse<String> response = send(orders, "GET", "/call/payments");
            assertThat(response.statusCode()).isEqualTo(200);
            answers.add(response.body());
        }

        String viaFirst = "payments-1 on port " + first.port() + " (via 127.0.0.1:" + first.port() + ")";
        String viaSecond = "payments-2 on port " + second.port() + " (via 127.0.0.1:" + second.port() + ")";
        assertThat(answers).containsExactly(viaFirst, viaSecond, viaFirst, viaSecond);
    }

    @Test
    void call_instancesNotUp_areSkipped() throws Exception {
        SampleServer up = start("payments-up");
        register("a-down", start("payments-down").port(), Status.DOWN);
        register("b-up", up.port(), Status.UP);
        register("c-draining", start("payments-draining").port(), Status.DRAINING);
        SampleServer orders = start("orders-1");

        for (int i = 0; i < 3; i++) {
            assertThat(send(orders, "GET", "/call/payments").body()).startsWith("payments-up on port");
        }
    }

    @Test
    void call_instanceNotListening_is503NamingIt() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        register("gone", closedPort, Status.UP);

        HttpResponse<String> response = send(start("a"), "GET", "/call/payments");

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.body()).startsWith("calling payments at 127.0.0.1:" + closedPort + " failed");
    }

    @Test
    void call_instanceAnsweringError_is503WithItsAnswer() throws Exception {
        HttpServer broken = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        broken.createContext("/", exchange -> {
            byte[] body = "database\non fire".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(500, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        broken.start();
        try {
            int port = broken.getAddress().getPort();
            register("p1", port, Status.UP);

            HttpResponse<String> response = send(start("a"), "GET", "/call/payments");

            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(response.body())
                    .isEqualTo("payments at 127.0.0.1:" + port + " answered HTTP 500: database on fire");
        } finally {
            broken.stop(0);
        }
    }

    @Test
    void call_instanceRegisteredAfterTheFirstCall_reachedThroughTheClientsWatch() throws Exception {
        SampleServer payments = start("payments-1");
        SampleServer orders = start("orders-1");
        assertThat(send(orders, "GET", "/call/payments").statusCode()).isEqualTo(503);

        register("p1", payments.port(), Status.UP);

        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> send(orders, "GET", "/call/payments").statusCode() == 200);
        assertThat(send(orders, "GET", "/lookup/payments").body()).isEqualTo("p1 127.0.0.1:" + payments.port() + " UP\n");
    }

    /** The calls go through the discovery client, which takes an instance that keeps failing out of rotation. */
    @Test
    void call_instanceFailingRepeatedly_isEjectedAndTheOtherOneAnswers() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        SampleServer up = start("payments-up");
        register("a-gone", closedPort, Status.UP);
        register("b-up", up.port(), Status.UP);
        SampleServer orders = start("orders-1");

        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 14; i++) {
            statuses.add(send(orders, "GET", "/call/payments").statusCode());
        }

        assertThat(statuses.subList(0, 10)).as("round robin until the 5th failure in a row")
                .containsExactly(503, 200, 503, 200, 503, 200, 503, 200, 503, 200);
        assertThat(statuses.subList(10, 14)).as("then only the instance that answers").containsOnly(200);
        assertThat(client.view("payments").ejected()).containsExactly("a-gone");
    }

    @Test
    void call_invalidServiceName_is400NamingIt() throws Exception {
        HttpResponse<String> response = send(start("a"), "GET", "/call/Payments");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).startsWith("service name must match").endsWith("but was 'Payments'");
    }

    @Test
    void close_calledTwice_stopsListening() throws Exception {
        SampleServer server = start("a");
        send(server, "GET", "/");

        server.close();
        server.close();

        assertThatThrownBy(() -> send(server, "GET", "/")).isInstanceOf(ConnectException.class);
    }

    private SampleServer start(String name) throws IOException {
        SampleServer server = SampleServer.start(0, name, new ServiceCaller(client, Duration.ofSeconds(2)));
        servers.add(server);
        return server;
    }

    private void register(String id, int port, Status status) {
        registry.register(ServiceInstance.builder("payments").id(id).host("127.0.0.1").port(port).status(status)
                .build(), Duration.ofMinutes(1));
    }

    private HttpResponse<String> send(SampleServer server, String method, String path)
            throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(10))
                .method(method, HttpRequest.BodyPublishers.noBody())
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
