package dev.beacon.server;

import dev.beacon.ServiceInstance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.beacon.server.BeaconServerTest.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Token, body and head limits, deadlines, and malformed input: always a JSON 4xx or a closed connection. */
class BeaconServerLimitsTest {

    private static final String TOKEN = "s3cret-t0ken";
    private static final String BODY = "{\"host\":\"10.0.0.5\",\"port\":8080}";

    private final SwitchableRegistry registry = new SwitchableRegistry();
    private TestServer server;

    @AfterEach
    void close() {
        if (server != null) {
            server.close();
        }
        registry.close();
    }

    private TestServer start(BeaconServer.Builder builder) {
        server = new TestServer(builder);
        return server;
    }

    @Test
    void token_writesWithoutOrWithWrongToken_are401_withTheRightOne2xx() {
        start(BeaconServer.builder(registry).token(TOKEN));

        TestServer.Reply missing = server.put("/services/orders/instances/a", BODY, null);
        TestServer.Reply wrong = server.put("/services/orders/instances/a", BODY, "s3cret-t0kem");
        TestServer.Reply prefix = server.put("/services/orders/instances/a", BODY, TOKEN.substring(0, 5));
        TestServer.Reply basic = server.send(HttpRequest.newBuilder(server.uri("/services/orders/instances/a"))
                .header("Authorization", "Basic " + TOKEN).PUT(HttpRequest.BodyPublishers.ofString(BODY)));
        TestServer.Reply right = server.put("/services/orders/instances/a", BODY, TOKEN);

        assertError(missing, 401, "needs a token for writes");
        assertThat(missing.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"beacon\"");
        assertError(wrong, 401, "wrong token");
        assertError(prefix, 401, "wrong token");
        assertError(basic, 401, "must be 'Bearer <token>'");
        for (TestServer.Reply reply : new TestServer.Reply[]{missing, wrong, prefix, basic}) {
            assertThat(reply.body()).doesNotContain(TOKEN);
        }
        assertThat(right.status()).isEqualTo(200);
        assertThat(registry.instances("orders")).hasSize(1);
    }

    @Test
    void token_heartbeatAndDeleteNeedIt_readsDoNot() {
        start(BeaconServer.builder(registry).token(TOKEN));
        server.put("/services/orders/instances/a", BODY, TOKEN);

        assertError(server.put("/services/orders/instances/a/heartbeat", null, null), 401, "needs a token");
        assertError(server.delete("/services/orders/instances/a", "nope"), 401, "wrong token");
        assertThat(server.get("/services/orders").status()).isEqualTo(200);
        assertThat(server.get("/services/orders/instance").status()).isEqualTo(200);
        assertThat(server.put("/services/orders/instances/a/heartbeat", null, TOKEN).status()).isEqualTo(200);
        assertThat(server.delete("/services/orders/instances/a", TOKEN).status()).isEqualTo(200);
        assertThat(server.get("/metrics").body()).contains("beacon_http_unauthorized_total 2\n");
    }

    @Test
    void token_isCheckedBeforeTheBodyIsRead() {
        start(BeaconServer.builder(registry).token(TOKEN));

        assertError(server.put("/services/orders/instances/a", "{not json", null), 401, "needs a token");
    }

    @Test
    void body_declaredLargerThanTheLimit_is413() {
        start(BeaconServer.builder(registry).maxBodyBytes(1024));
        String big = "{\"host\":\"h\",\"port\":1,\"metadata\":{\"k\":\"" + "x".repeat(2000) + "\"}}";

        TestServer.Reply reply = server.put("/services/orders/instances/a", big);

        assertError(reply, 413, "request body too large: it declares 2");
        assertThat(reply.body()).contains("the limit is 1024 bytes");
        assertThat(registry.instances("orders")).isEmpty();
    }

    @Test
    void body_chunkedLargerThanTheLimit_is413() {
        start(BeaconServer.builder(registry).maxBodyBytes(1024));
        String chunk = "x".repeat(600);

        String response = server.raw("PUT /services/orders/instances/a HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "258\r\n" + chunk + "\r\n258\r\n" + chunk + "\r\n0\r\n\r\n", Duration.ofSeconds(10));

        assertThat(response).startsWith("HTTP/1.1 413").contains("\"error\":\"request body too large: it is longer");
    }

    @Test
    void body_endlessChunked_gets413_andTheServerCarriesOn() throws Exception {
        start(BeaconServer.builder(registry).maxBodyBytes(4096));
        AtomicBoolean stop = new AtomicBoolean();
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("PUT /services/orders/instances/a HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            byte[] chunk = ("400\r\n" + "y".repeat(1024) + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
            CompletableFuture<Long> writer = CompletableFuture.supplyAsync(() -> {
                long sent = 0;
                try {
                    while (!stop.get()) {
                        out.write(chunk);
                        sent += chunk.length;
                    }
                } catch (IOException e) {
                    // the server closed the connection: expected
                }
                return sent;
            });
            String response = TestServer.readAll(socket.getInputStream());
            stop.set(true);
            long sent = writer.get(20, TimeUnit.SECONDS);

            assertThat(response).startsWith("HTTP/1.1 413").contains("request body too large");
            assertThat(sent).isLessThan(64L * 1024 * 1024);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> server.server.activeRequests() == 0);
        assertThat(server.get("/health").status()).isEqualTo(200);
    }

    @Test
    void slowClient_stalledHead_losesItsConnectionAtTheReadDeadline() throws Exception {
        start(BeaconServer.builder(registry).readTimeout(Duration.ofMillis(300)).threads(1));
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write("GET /heal".getBytes(StandardCharsets.ISO_8859_1));
            long started = System.nanoTime();

            String response = TestServer.readAll(socket.getInputStream());

            assertThat(response).doesNotContain("<timeout>").doesNotContain("HTTP/1.1 200");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        }
        // the only worker is free again
        assertThat(server.get("/health").status()).isEqualTo(200);
    }

    @Test
    void slowClient_stalledBody_losesItsConnectionAtTheReadDeadline() throws Exception {
        start(BeaconServer.builder(registry).readTimeout(Duration.ofMillis(300)).threads(1));
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("PUT /services/orders/instances/a HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Length: 100\r\n\r\n{\"host\":").getBytes(StandardCharsets.ISO_8859_1));

            String response = TestServer.readAll(socket.getInputStream());

            assertThat(response).doesNotContain("<timeout>");
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> server.server.activeRequests() == 0);
        assertThat(server.get("/health").status()).isEqualTo(200);
        assertThat(registry.instances("orders")).isEmpty();
    }

    @Test
    void slowReader_largeResponseNotRead_isCutOffAtTheWriteDeadline() throws Exception {
        Map<String, String> metadata = new HashMap<>();
        for (int i = 0; i < 64; i++) {
            metadata.put("k" + i, "v".repeat(1024));
        }
        for (int i = 0; i < 300; i++) {
            registry.register(ServiceInstance.builder("big").id("i-" + i).host("h").port(1).metadata(metadata)
                    .build(), Duration.ofMinutes(5));
        }
        start(BeaconServer.builder(registry).writeTimeout(Duration.ofMillis(500)).threads(1));
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setReceiveBufferSize(4096);
            socket.getOutputStream().write("GET /services HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
            // never read: the server's write blocks once the socket buffers are full (~20 MB response)
            await().atMost(Duration.ofSeconds(15)).until(() -> server.server.activeRequests() == 0);
            assertThat(server.get("/health").status()).isEqualTo(200);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "empty body               || the request body must be a JSON object, but was empty",
        "not an object            | []| must be a JSON object, but was a JSON array",
        "a string                 | \"x\"| must be a JSON object, but was a JSON string",
        "truncated                | {\"host\":| malformed JSON at line 1",
        "garbage                  | {host: 1}| malformed JSON",
        "trailing content         | {\"host\":\"h\",\"port\":1} x| malformed JSON",
        "duplicate key            | {\"host\":\"h\",\"host\":\"i\",\"port\":1}| Duplicate field 'host'",
        "unknown field            | {\"host\":\"h\",\"port\":1,\"colour\":\"red\"}| unknown field 'colour'; valid: host",
        "id in the body           | {\"id\":\"x\",\"host\":\"h\",\"port\":1}| the id comes from the path",
        "missing host             | {\"port\":1}| field 'host' is required",
        "missing port             | {\"host\":\"h\"}| field 'port' is required",
        "port as string           | {\"host\":\"h\",\"port\":\"80\"}| field 'port' must be an integer 1..65535, but was the string '80'",
        "port fraction            | {\"host\":\"h\",\"port\":80.5}| field 'port' must be an integer",
        "port too big             | {\"host\":\"h\",\"port\":70000}| port must be 1..65535, but was 70000",
        "port huge                | {\"host\":\"h\",\"port\":99999999999999999999}| field 'port' must be an integer",
        "host with space          | {\"host\":\"a b\",\"port\":1}| host must be an IP address or host name",
        "bad status               | {\"host\":\"h\",\"port\":1,\"status\":\"ASLEEP\"}| status must be one of STARTING, UP, DOWN, DRAINING",
        "status number            | {\"host\":\"h\",\"port\":1,\"status\":1}| field 'status' must be a string",
        "metadata array           | {\"host\":\"h\",\"port\":1,\"metadata\":[]}| field 'metadata' must be an object of strings",
        "metadata number          | {\"host\":\"h\",\"port\":1,\"metadata\":{\"w\":2}}| metadata value of 'w' must be a string",
        "metadata bad key         | {\"host\":\"h\",\"port\":1,\"metadata\":{\"a b\":\"x\"}}| metadata key must match",
        "ports string             | {\"host\":\"h\",\"port\":1,\"ports\":{\"admin\":\"9090\"}}| port 'admin' must be an integer",
        "ports out of range       | {\"host\":\"h\",\"port\":1,\"ports\":{\"admin\":0}}| port 'admin' must be 1..65535",
        "ttl word                 | {\"host\":\"h\",\"port\":1,\"ttl\":\"abc\"}| ttl 'abc' is not a duration",
        "ttl too short            | {\"host\":\"h\",\"port\":1,\"ttl\":\"500ms\"}| ttl must be between 1s and 1d, but was '500ms'",
        "ttl too long             | {\"host\":\"h\",\"port\":1,\"ttl\":\"2d\"}| ttl must be between 1s and 1d",
        "ttl negative             | {\"host\":\"h\",\"port\":1,\"ttl\":-5}| ttl must be between 1s and 1d, but was '-5'",
        "ttl fraction             | {\"host\":\"h\",\"port\":1,\"ttl\":1.5}| field 'ttl' must be a duration string",
        "ttl overflow             | {\"host\":\"h\",\"port\":1,\"ttl\":\"9999999999999999999s\"}| is not a duration",
        "deep nesting             | {\"host\":\"h\",\"port\":1,\"metadata\":{\"a\":[[[[[[[[[[[[1]]]]]]]]]]]]}}| malformed JSON",
    })
    void putInstance_badBody_is400SayingWhatIsWrong(String name, String body, String message) {
        start(BeaconServer.builder(registry));

        TestServer.Reply reply = server.put("/services/orders/instances/a", body == null ? "" : body);

        assertError(reply, 400, message);
        assertThat(registry.instances("orders")).isEmpty();
    }

    @Test
    void putInstance_invalidUtf8Body_is400() {
        start(BeaconServer.builder(registry));
        byte[] body = "{\"host\":\"h\",\"port\":1,\"metadata\":{\"k\":\"\u00ff\"}}".getBytes(StandardCharsets.ISO_8859_1);

        TestServer.Reply reply = server.send(HttpRequest.newBuilder(server.uri("/services/orders/instances/a"))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body)));

        assertError(reply, 400, "UTF-8");
    }

    @Test
    void putInstance_notJsonContentType_is415() {
        start(BeaconServer.builder(registry));

        TestServer.Reply reply = server.send(HttpRequest.newBuilder(server.uri("/services/orders/instances/a"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .PUT(HttpRequest.BodyPublishers.ofString(BODY)));

        assertError(reply, 415, "Content-Type must be application/json");
    }

    @Test
    void putInstance_queryParameters_are400() {
        start(BeaconServer.builder(registry));

        assertError(server.put("/services/orders/instances/a?ttl=5s", BODY), 400,
                "unknown query parameter 'ttl'; this route takes none");
    }

    @Test
    void malformedChunkedEncoding_is400OrAClosedConnection_neverAHang() {
        start(BeaconServer.builder(registry));

        String response = server.raw("PUT /services/orders/instances/a HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n", Duration.ofSeconds(10));
        String overflow = server.raw("PUT /services/orders/instances/a HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Transfer-Encoding: chunked\r\n\r\nfffffffffffffffff\r\nabc\r\n0\r\n\r\n", Duration.ofSeconds(10));

        for (String reply : new String[]{response, overflow}) {
            assertThat(reply).doesNotContain("<timeout>").doesNotContain(" 500 ");
            if (!reply.isEmpty() && !reply.equals("<reset>")) {
                assertThat(reply).startsWith("HTTP/1.1 400").contains("\"error\":\"the request body could not be read");
            }
        }
        assertThat(server.get("/health").status()).isEqualTo(200);
    }

    @Test
    void percentEncoding_invalidUtf8OrNonAscii_is400Json() {
        start(BeaconServer.builder(registry));

        String invalidUtf8 = server.raw("GET /services/%ff HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
                Duration.ofSeconds(5));
        String query = server.raw("GET /services/a?zone=%e9 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
                Duration.ofSeconds(5));
        String raw = server.raw("GET /services/\u00e9 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
                Duration.ofSeconds(5));
        String incomplete = server.raw("GET /services/a?zone=%e HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close"
                + "\r\n\r\n", Duration.ofSeconds(5));

        assertThat(invalidUtf8).startsWith("HTTP/1.1 400").contains("does not decode to valid UTF-8");
        assertThat(query).startsWith("HTTP/1.1 400").contains("query parameter 'zone'");
        assertThat(raw).startsWith("HTTP/1.1 400").contains("percent-encode it as UTF-8");
        // the JDK's own parser refuses a URI with a broken escape before any handler runs (text/html)
        assertThat(incomplete).startsWith("HTTP/1.1 400");
    }

    @Test
    void requestHead_tooLongTargetOrTooManyHeaders_is414Or431() {
        start(BeaconServer.builder(registry));
        StringBuilder headers = new StringBuilder();
        for (int i = 0; i < 150; i++) {
            headers.append("X-H").append(i).append(": v\r\n");
        }

        String longTarget = server.raw("GET /services?" + "a".repeat(9000) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Connection: close\r\n\r\n", Duration.ofSeconds(5));
        String manyHeaders = server.raw("GET /services HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers
                + "Connection: close\r\n\r\n", Duration.ofSeconds(5));

        assertThat(longTarget).startsWith("HTTP/1.1 414").contains("\"error\":\"the request target is longer");
        assertThat(manyHeaders).startsWith("HTTP/1.1 431").contains("\"error\":\"request headers too large");
    }

    @Test
    void pipelinedRequests_areAnsweredInOrder() throws IOException {
        start(BeaconServer.builder(registry));
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                    + "GET /nope HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = socket.getInputStream();

            String both = TestServer.readAll(in);

            assertThat(both).startsWith("HTTP/1.1 200").contains("HTTP/1.1 404");
        }
    }
}
