package dev.beacon.server;

import dev.beacon.ServiceInstance;
import dev.beacon.registry.InMemoryServiceRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static dev.beacon.server.BeaconServerTest.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Server-Sent Events: per service and for all services; streams end and free their thread and watch. */
class BeaconServerEventsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final SwitchableRegistry registry = new SwitchableRegistry();
    private final List<Stream> streams = new ArrayList<>();
    private TestServer server;

    @AfterEach
    void close() {
        streams.forEach(Stream::close);
        if (server != null) {
            server.close();
        }
        registry.close();
    }

    private TestServer start(BeaconServer.Builder builder) {
        server = new TestServer(builder);
        return server;
    }

    private Stream open(String path) {
        Stream stream = new Stream(server.port(), path);
        streams.add(stream);
        return stream;
    }

    private static ServiceInstance instance(String service, String id) {
        return ServiceInstance.builder(service).id(id).host("10.0.0.9").port(8080).build();
    }

    @Test
    void serviceEvents_streamRegisteredUpdatedDeregisteredAndExpired() {
        start(BeaconServer.builder(registry));
        Stream stream = open("/services/orders/events");
        stream.await(": connected");

        server.put("/services/orders/instances/a", "{\"host\":\"10.0.0.5\",\"port\":8080}");
        stream.await("event: REGISTERED\ndata: {\"service\":\"orders\",\"id\":\"a\",\"host\":\"10.0.0.5\","
                + "\"port\":8080,\"status\":\"UP\",\"metadata\":{},\"ports\":{},\"renewedAt\":\"");
        server.put("/services/orders/instances/a", "{\"host\":\"10.0.0.5\",\"port\":8080,\"status\":\"DOWN\"}");
        stream.await("event: UPDATED\ndata: {\"service\":\"orders\",\"id\":\"a\"");
        server.delete("/services/orders/instances/a", null);
        stream.await("event: DEREGISTERED\ndata: {\"service\":\"orders\",\"id\":\"a\"");
        registry.register(instance("orders", "b"), Duration.ofSeconds(1));
        stream.await("event: EXPIRED\ndata: {\"service\":\"orders\",\"id\":\"b\"");

        assertThat(stream.text()).doesNotContain("\"id\":\"other\"");
        assertThat(stream.text()).startsWith("HTTP/1.1 200").contains("Content-type: text/event-stream");
    }

    @Test
    void serviceEvents_onlyThatService() {
        start(BeaconServer.builder(registry));
        Stream stream = open("/services/orders/events");
        stream.await(": connected");

        registry.register(instance("billing", "x"), Duration.ofMinutes(1));
        registry.register(instance("orders", "y"), Duration.ofMinutes(1));

        stream.await("\"id\":\"y\"");
        assertThat(stream.text()).doesNotContain("billing");
    }

    @Test
    void serviceEvents_keepAliveCommentsWhenQuiet() {
        start(BeaconServer.builder(registry).keepAliveInterval(Duration.ofMillis(50)));
        Stream stream = open("/services/orders/events");

        stream.await(": keep-alive\n\n");
    }

    @Test
    void clientDisconnect_endsTheStream_releasesWatchAndThread() {
        start(BeaconServer.builder(registry).keepAliveInterval(Duration.ofMillis(50)).threads(2));
        List<Stream> open = new ArrayList<>();
        for (int i = 0; i < 3; i++) { // more streams than worker threads: each stream adds a thread
            Stream stream = open("/services/orders/events");
            stream.await(": connected");
            open.add(stream);
        }
        assertThat(server.get("/health").status()).isEqualTo(200);
        assertThat(server.server.openEventStreams()).isEqualTo(3);
        assertThat(registry.openWatches).hasValue(3);
        assertThat(streamThreads()).hasSize(3);

        open.forEach(Stream::close);

        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(server.server.openEventStreams()).isZero();
            assertThat(server.server.activeRequests()).isZero();
            assertThat(registry.openWatches).hasValue(0);
            assertThat(streamThreads()).isEmpty();
            assertThat(workerThreads()).hasSizeLessThanOrEqualTo(2);
        });
        assertThat(server.get("/health").status()).isEqualTo(200);
    }

    @Test
    void allEvents_everyService_newServicesFoundByTheScan() {
        registry.register(instance("orders", "old"), Duration.ofMinutes(1));
        start(BeaconServer.builder(registry).serviceScanInterval(Duration.ofMillis(50)));
        await().atMost(WAIT).until(() -> server.get("/metrics").body().contains("beacon_watched_services 1\n"));
        Stream stream = open("/events");
        stream.await(": connected");

        registry.register(instance("orders", "o-2"), Duration.ofMinutes(1));
        server.put("/services/billing/instances/b-1", "{\"host\":\"10.0.0.5\",\"port\":8080}");
        registry.register(instance("shipping", "s-1"), Duration.ofMinutes(1)); // not watched until the scan

        stream.await("event: REGISTERED\ndata: {\"service\":\"orders\",\"id\":\"o-2\"");
        stream.await("event: REGISTERED\ndata: {\"service\":\"billing\",\"id\":\"b-1\"");
        stream.await("event: REGISTERED\ndata: {\"service\":\"shipping\",\"id\":\"s-1\"");
        assertThat(stream.text()).doesNotContain("\"id\":\"old\"");
    }

    @Test
    void allEvents_newServiceReportedByTheRegistry_isStreamedWithinASecondWithoutAScan() {
        try (InMemoryServiceRegistry reporting = new InMemoryServiceRegistry()) {
            reporting.register(instance("orders", "old"), Duration.ofMinutes(1));
            start(BeaconServer.builder(reporting).serviceScanInterval(Duration.ofMinutes(10)));
            await().atMost(WAIT).until(() -> server.get("/metrics").body().contains("beacon_watched_services 1\n"));
            Stream stream = open("/events");
            stream.await(": connected");

            long started = System.nanoTime();
            reporting.register(instance("shipping", "s-1"), Duration.ofMinutes(1)); // not through the API
            stream.await("event: REGISTERED\ndata: {\"service\":\"shipping\",\"id\":\"s-1\"");

            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
            String data = stream.text().replaceAll("(?s).*\"id\":\"s-1\"", "");
            Instant renewedAt = Instant.parse(data.replaceAll("(?s).*\"renewedAt\":\"([^\"]+)\".*", "$1"));
            assertThat(Duration.between(renewedAt, Instant.now()).abs()).isLessThan(Duration.ofSeconds(5));
            server.close(); // before the registry it serves
        }
    }

    @Test
    void tooManyStreams_is503() {
        start(BeaconServer.builder(registry).maxEventStreams(1));
        open("/services/orders/events").await(": connected");

        TestServer.Reply second = server.get("/events");

        assertError(second, 503, "too many event streams open (1)");
    }

    @Test
    void registryDown_is503_andNoSlotIsLost() {
        start(BeaconServer.builder(registry).maxEventStreams(1));
        registry.down.set(true);

        assertError(server.get("/services/orders/events"), 503, "registry unavailable");
        registry.down.set(false);
        open("/services/orders/events").await(": connected");
    }

    @Test
    void head_answersWithoutStreaming() {
        start(BeaconServer.builder(registry));

        TestServer.Reply reply = server.send(java.net.http.HttpRequest.newBuilder(server.uri("/events"))
                .method("HEAD", java.net.http.HttpRequest.BodyPublishers.noBody()));

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.header("Content-Type")).startsWith("text/event-stream");
        assertThat(server.server.openEventStreams()).isZero();
    }

    @Test
    void serverClose_endsOpenStreamsCleanly() {
        start(BeaconServer.builder(registry));
        Stream stream = open("/services/orders/events");
        stream.await(": connected");

        long started = System.nanoTime();
        server.close();

        stream.awaitEnd();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        assertThat(stream.text()).endsWith("0\r\n\r\n"); // the last chunk: a clean end, not a cut connection
        assertThat(registry.openWatches).hasValue(0);
    }

    @Test
    void badServiceName_is400() {
        start(BeaconServer.builder(registry));

        assertError(server.get("/services/Not_Valid/events"), 400, "service name must match");
        assertError(server.get("/events?x=1"), 400, "unknown query parameter 'x'");
    }

    static List<Thread> streamThreads() {
        List<Thread> threads = new ArrayList<>();
        Thread.getAllStackTraces().forEach((thread, stack) -> {
            if (Arrays.stream(stack).anyMatch(frame -> frame.getClassName().endsWith("EventStream"))) {
                threads.add(thread);
            }
        });
        return threads;
    }

    static List<Thread> workerThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().startsWith("beacon-http-worker-")).toList();
    }

    /** A raw-socket event-stream client that collects everything it reads. */
    static final class Stream implements AutoCloseable {
        private final Socket socket;
        private final StringBuffer text = new StringBuffer();
        private final Thread reader;
        private volatile boolean ended;

        Stream(int port, String path) {
            try {
                socket = new Socket("127.0.0.1", port);
                socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "Accept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            reader = new Thread(() -> {
                byte[] buffer = new byte[4096];
                try {
                    InputStream in = socket.getInputStream();
                    for (int n; (n = in.read(buffer)) >= 0; ) {
                        text.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                    }
                } catch (IOException e) {
                    // closed by the test
                } finally {
                    ended = true;
                }
            }, "test-sse-reader");
            reader.setDaemon(true);
            reader.start();
        }

        void await(String expected) {
            // chunk-size lines between the writes are dropped before comparing
            org.awaitility.Awaitility.await().atMost(WAIT)
                    .until(() -> text.toString().replaceAll("\r\n[0-9a-f]+\r\n", "").contains(expected));
        }

        void awaitEnd() {
            org.awaitility.Awaitility.await().atMost(WAIT).until(() -> ended);
        }

        String text() {
            return text.toString();
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // already closed
            }
        }
    }
}
