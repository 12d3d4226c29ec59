package dev.beacon.client;

import com.sun.net.httpserver.HttpServer;
import dev.beacon.ServiceInstance;
import dev.beacon.Status;
import dev.beacon.balance.LoadBalancer;
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
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Real JDK HTTP servers on loopback, registered in a memory registry. */
class DiscoveryHttpClientTest {

    private final InMemoryServiceRegistry registry = new InMemoryServiceRegistry();
    private final List<HttpServer> servers = new ArrayList<>();
    private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private DiscoveryClient discovery;

    @AfterEach
    void close() {
        servers.forEach(server -> server.stop(0));
        if (discovery != null) {
            discovery.close();
        }
        registry.close();
    }

    /** A server answering {@code name path?query} with {@code status}; registered as instance {@code name}. */
    private void serve(String name, int status) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            hits.computeIfAbsent(name, n -> new AtomicInteger()).incrementAndGet();
            byte[] body = (name + " " + exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath()
                    + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI()
                    .getRawQuery())).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        servers.add(server);
        register(name, server.getAddress().getPort());
    }

    private void register(String id, int port) {
        registry.register(ServiceInstance.builder("orders").id(id).host("127.0.0.1").port(port).status(Status.UP)
                .build(), Duration.ofMinutes(1));
    }

    /** A port nobody listens on. */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private DiscoveryHttpClient client() {
        discovery = DiscoveryClient.builder(registry).balancer(LoadBalancer::roundRobin).build();
        return DiscoveryHttpClient.of(discovery, http);
    }

    private static HttpRequest get(String uri) {
        return HttpRequest.newBuilder(URI.create(uri)).build();
    }

    @Test
    void send_threeInstances_spreadsAndKeepsPathAndQuery() throws Exception {
        serve("a", 200);
        serve("b", 200);
        serve("c", 200);
        DiscoveryHttpClient client = client();

        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            bodies.add(client.send(get("http://orders/orders/7%2F8?x=1"), HttpResponse.BodyHandlers.ofString())
                    .body());
        }

        assertThat(bodies).allMatch(body -> body.endsWith(" GET /orders/7%2F8?x=1"));
        assertThat(hits.keySet()).containsExactlyInAnyOrder("a", "b", "c");
        assertThat(hits.values()).allMatch(count -> count.get() == 2);
    }

    @Test
    void send_idempotentToDeadInstance_retriedOnceOnAnother() throws Exception {
        register("dead", closedPort());
        serve("live", 200);
        DiscoveryHttpClient client = client();

        for (int i = 0; i < 4; i++) {
            assertThat(client.send(get("http://orders/x"), HttpResponse.BodyHandlers.ofString()).body())
                    .startsWith("live ");
        }
        assertThat(hits.get("live").get()).isEqualTo(4);
    }

    @Test
    void send_postToDeadInstance_notRetried() throws Exception {
        register("dead", closedPort());
        DiscoveryHttpClient client = client();
        HttpRequest post = HttpRequest.newBuilder(URI.create("http://orders/x"))
                .POST(HttpRequest.BodyPublishers.ofString("order")).build();

        assertThrows(ConnectException.class, () -> client.send(post, HttpResponse.BodyHandlers.ofString()));
    }

    @Test
    void send_failures_areRecordedAndEjectTheInstance() throws Exception {
        serve("good", 200);
        serve("bad", 503);
        serve("fine", 200);
        DiscoveryHttpClient client = client();

        for (int i = 0; i < 30; i++) {
            client.send(get("http://orders/x"), HttpResponse.BodyHandlers.discarding());
        }

        assertThat(discovery.view("orders").ejected()).containsExactly("bad");
        assertThat(hits.get("bad").get()).isEqualTo(5);
    }

    @Test
    void send_noInstance_throwsNamingTheService() {
        DiscoveryHttpClient client = client();

        NoInstanceAvailableException e = assertThrows(NoInstanceAvailableException.class,
                () -> client.send(get("http://orders/x"), HttpResponse.BodyHandlers.ofString()));
        assertThat(e.getMessage()).contains("'orders'");
    }

    @Test
    void serviceOf_notAServiceUri_throwsNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DiscoveryHttpClient.serviceOf(URI.create("ftp://orders/x")));
        assertThat(e.getMessage()).isEqualTo("URI must be http://SERVICE/... or https://SERVICE/..., but was "
                + "ftp://orders/x");
    }

    @Test
    void target_https_usesTheHttpsNamedPort() {
        ServiceInstance instance = ServiceInstance.builder("orders").id("a").host("10.0.0.1").port(8080)
                .ports(Map.of("https", 8443)).build();

        assertThat(DiscoveryHttpClient.target(URI.create("https://orders/a?b#c"), instance))
                .isEqualTo(URI.create("https://10.0.0.1:8443/a?b#c"));
        assertThat(DiscoveryHttpClient.target(URI.create("http://orders:9999/a"), instance))
                .isEqualTo(URI.create("http://10.0.0.1:8080/a"));
    }
}
