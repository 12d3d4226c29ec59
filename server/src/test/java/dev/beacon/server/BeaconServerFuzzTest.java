package dev.beacon.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beacon.ServiceInstance;
import dev.beacon.Status;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Flow;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Thousands of random requests, seeded so that a failure reproduces ({@code -Dbeacon.fuzz.seed=…}): every answer is
 * a 2xx, or a 4xx with a JSON {@code error}, or a 503 while the registry is down; afterwards the server answers
 * {@code /health} and no worker is stuck.
 */
class BeaconServerFuzzTest {

    private static final long SEED = Long.getLong("beacon.fuzz.seed", 0x5eed_beac0L);
    private static final int REQUESTS = Integer.getInteger("beacon.fuzz.requests", 3000);
    private static final int RAW_REQUESTS = Integer.getInteger("beacon.fuzz.raw-requests", 400);
    private static final String TOKEN = "fuzz-token";
    private static final int MAX_BODY = 4096;

    private static final String[] METHODS = {"GET", "GET", "GET", "GET", "PUT", "PUT", "PUT", "DELETE", "HEAD",
        "POST", "PATCH", "OPTIONS", "TRACE", "FOO", "get"};
    private static final String[] WORDS = {"services", "services", "services", "instances", "instance", "events",
        "heartbeat", "health", "metrics", "orders", "billing", "a", "o-1", "x.y_z", "ORDERS", "-bad", ".",
        "..", "%2e%2e", "%2F", "%00", "%ff", "%c3%a9", "%e2%82", "+", "~", "*"};
    private static final String[] NAMES = {"orders", "billing", "new-svc"};
    private static final String[] IDS = {"o-1", "o-2", "z-9"};
    private static final String[] PARAMETERS = {"status", "zone", "meta.zone", "meta.version", "meta.", "meta.a%20b",
        "strategy", "key", "ttl", "x", "", "%ff"};
    private static final String[] VALUES = {"UP", "up", "DOWN", "SLEEPY", "eu-1", "eu-*", "", "round-robin",
        "random", "weighted", "%00", "%ff", "%c3%a9", "a+b", "*", "1.4"};
    private static final Set<String> RESTRICTED = Set.of("connection", "content-length", "expect", "host",
        "upgrade", "transfer-encoding", "te", "trailer");

    private final SwitchableRegistry registry = new SwitchableRegistry();
    private TestServer server;

    @AfterEach
    void close() {
        if (server != null) {
            server.close();
        }
        registry.close();
    }

    @Test
    void randomRequests_answeredWith2xxOrJson4xx_serverStaysHealthy() throws Exception {
        seedRegistry();
        server = new TestServer(BeaconServer.builder(registry).token(TOKEN).maxBodyBytes(MAX_BODY).threads(4)
                .keepAliveInterval(Duration.ofMillis(100)).readTimeout(Duration.ofSeconds(2))
                .writeTimeout(Duration.ofSeconds(2)).serviceScanInterval(Duration.ofMillis(200)));
        Random random = new Random(SEED);
        HttpClient client = server.client;
        int[] statuses = new int[600];

        for (int i = 0; i < REQUESTS; i++) {
            boolean down = i >= REQUESTS / 3 && i < REQUESTS / 3 + REQUESTS / 10;
            registry.down.set(down);
            boolean nearlyValid = random.nextInt(3) == 0;
            String method = nearlyValid ? pick(random, new String[]{"GET", "PUT", "PUT", "DELETE"})
                    : pick(random, METHODS);
            String target = nearlyValid ? nearlyValidTarget(random, method) : target(random);
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                    + target)).timeout(Duration.ofSeconds(20));
            if (nearlyValid && random.nextInt(4) > 0) {
                request.header("Authorization", "Bearer " + TOKEN);
            }
            addHeaders(random, request);
            byte[] body = body(random);
            request.method(method, publisher(random, body));
            String what = "seed " + SEED + ", request " + i + ": " + method + " " + target + " body "
                    + (body == null ? "none" : body.length + " bytes " + preview(body));

            HttpResponse<InputStream> response =
                    client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            int status = response.statusCode();
            statuses[status]++;
            String type = response.headers().firstValue("Content-Type").orElse("");
            if (type.startsWith("text/event-stream")) {
                response.body().close(); // the client goes away; the server notices at its next keep-alive
                assertThat(status).as(what).isEqualTo(200);
                continue;
            }
            String text;
            try (InputStream in = response.body()) {
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            assertThat(status).as(what + " → " + text).isNotEqualTo(500);
            if (status == 503) {
                assertThat(down || text.contains("too many event streams")).as(what + " → " + text).isTrue();
            } else {
                assertThat(status / 100).as(what + " → " + text).isIn(2, 4);
            }
            if (status >= 400 && !method.equals("HEAD")) {
                assertThat(type).as(what).startsWith("application/json");
                JsonNode json = TestServer.MAPPER.readTree(text);
                assertThat(json.path("error").isTextual()).as(what + " → " + text).isTrue();
                assertThat(json.path("error").asText()).as(what).isNotBlank().doesNotContain(TOKEN)
                        .doesNotContain("Exception:").doesNotContain("\tat ");
            } else if (type.startsWith("application/json") && !method.equals("HEAD")) {
                TestServer.MAPPER.readTree(text); // well-formed
            }
        }
        registry.down.set(false);

        assertThat(server.get("/health").status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(server.server.activeRequests()).isZero();
            assertThat(server.server.openEventStreams()).isZero();
            assertThat(registry.openWatches.get()).isLessThanOrEqualTo(20); // the service scan's watches only
            assertThat(BeaconServerEventsTest.workerThreads()).hasSizeLessThanOrEqualTo(4);
            assertThat(busyWorkers()).isEmpty();
        });
        // the fuzz reached the interesting answers, not just 404s
        assertThat(statuses[200]).as("200s").isGreaterThan(REQUESTS / 50);
        for (int expected : new int[]{400, 401, 404, 405, 413}) {
            assertThat(statuses[expected]).as(expected + "s").isPositive();
        }
    }

    @Test
    void randomRawRequests_answeredOrClosed_neverHung() throws Exception {
        seedRegistry();
        server = new TestServer(BeaconServer.builder(registry).maxBodyBytes(MAX_BODY).threads(4)
                .readTimeout(Duration.ofMillis(200)).writeTimeout(Duration.ofMillis(200)));
        Random random = new Random(SEED + 1);
        String[] valid = {
            "GET /services HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
            "GET /services/orders/instance?strategy=random&zone=eu-1 HTTP/1.1\r\nHost: localhost\r\n"
                    + "Connection: close\r\n\r\n",
            "PUT /services/orders/instances/z-1 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 31\r\nConnection: close\r\n\r\n{\"host\":\"10.0.0.5\",\"port\":8080}",
            "PUT /services/orders/instances/z-2 HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
                    + "Connection: close\r\n\r\n1f\r\n{\"host\":\"10.0.0.5\",\"port\":8080}\r\n0\r\n\r\n",
            "DELETE /services/orders/instances/o-1 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
        };
        Pattern statusLine = Pattern.compile("^HTTP/1\\.1 (\\d{3}) ");

        for (int i = 0; i < RAW_REQUESTS; i++) {
            byte[] request = mutate(random, valid[random.nextInt(valid.length)].getBytes(StandardCharsets.ISO_8859_1));
            if (request.length == 0) {
                continue; // a connection that sends nothing holds no thread; the HttpServer's idle timer closes it
            }
            String what = "seed " + (SEED + 1) + ", raw request " + i + ": " + preview(request);
            long started = System.nanoTime();

            String response = exchange(request);

            assertThat(Duration.ofNanos(System.nanoTime() - started)).as(what).isLessThan(Duration.ofSeconds(8));
            assertThat(response).as(what).doesNotContain("<hung>");
            Matcher matcher = statusLine.matcher(response);
            if (!matcher.find()) {
                continue; // closed without an answer: the request never became one (the JDK drops such heads)
            }
            int status = Integer.parseInt(matcher.group(1));
            String first = firstResponse(response); // a duplicated piece may have made a second request
            if (first.contains("\r\nContent-Type: text/html")) {
                // refused by the JDK's parser before any handler ran: bad request line, URI or header name
                assertThat(status).as(what + " → " + first).isIn(400, 404, 501);
                if (status == 501) {
                    assertThat(new String(request, StandardCharsets.ISO_8859_1).toLowerCase())
                            .as(what).contains("transfer-encoding");
                }
                continue;
            }
            assertThat(status / 100).as(what + " → " + first).isIn(2, 4);
            if (status >= 400) {
                assertThat(first).as(what).contains("application/json").contains("{\"error\":\"");
            }
        }

        assertThat(server.get("/health").status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(server.server.activeRequests()).isZero();
            assertThat(busyWorkers()).isEmpty();
        });
    }

    private void seedRegistry() {
        for (String service : List.of("orders", "billing")) {
            for (int i = 1; i <= 3; i++) {
                registry.register(ServiceInstance.builder(service).id("o-" + i).host("10.0.0." + i).port(8080)
                        .status(i == 3 ? Status.DOWN : Status.UP)
                        .metadata(Map.of("zone", "eu-" + i, "version", "1.4")).build(), Duration.ofHours(1));
            }
        }
    }

    /** Sends raw bytes; reads one response (or to EOF); "<hung>" if neither happens in 6 s. */
    private String exchange(byte[] request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(6000);
            try {
                socket.getOutputStream().write(request);
                socket.getOutputStream().flush();
            } catch (IOException e) {
                return "";
            }
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream read = new ByteArrayOutputStream();
            byte[] buffer = new byte[4096];
            try {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    read.write(buffer, 0, n);
                    if (complete(read.toString(StandardCharsets.ISO_8859_1))) {
                        break;
                    }
                }
            } catch (SocketTimeoutException e) {
                return read.toString(StandardCharsets.ISO_8859_1) + "<hung>";
            } catch (IOException e) {
                // reset: what was read counts
            }
            return read.toString(StandardCharsets.ISO_8859_1);
        }
    }

    /** The first response of {@code text}: its head and its Content-Length body. */
    private static String firstResponse(String text) {
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            return text;
        }
        Matcher length = Pattern.compile("(?i)\r\ncontent-length: (\\d+)").matcher(text.substring(0, end));
        int bodyLength = length.find() ? Integer.parseInt(length.group(1)) : 0;
        return text.substring(0, Math.min(text.length(), end + 4 + bodyLength));
    }

    /** A whole response with a Content-Length body has arrived (the connection may stay open: keep-alive). */
    private static boolean complete(String text) {
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            return false;
        }
        Matcher length = Pattern.compile("(?i)\r\ncontent-length: (\\d+)").matcher(text.substring(0, end));
        return length.find() && text.length() - end - 4 >= Integer.parseInt(length.group(1));
    }

    private static byte[] mutate(Random random, byte[] valid) {
        List<Byte> bytes = new ArrayList<>();
        for (byte b : valid) {
            bytes.add(b);
        }
        int mutations = 1 + random.nextInt(4);
        byte[] specials = {'\r', '\n', 0, ' ', ':', '%', '/', '?', (byte) 0xff, (byte) 0xc3, 'A'};
        for (int m = 0; m < mutations && !bytes.isEmpty(); m++) {
            int at = random.nextInt(bytes.size());
            switch (random.nextInt(6)) {
                case 0 -> bytes.set(at, (byte) random.nextInt(256));
                case 1 -> bytes.add(at, specials[random.nextInt(specials.length)]);
                case 2 -> bytes.remove(at);
                case 3 -> bytes.subList(at, bytes.size()).clear(); // truncated
                case 4 -> {
                    int length = Math.min(bytes.size() - at, 1 + random.nextInt(40));
                    List<Byte> copy = new ArrayList<>(bytes.subList(at, at + length));
                    bytes.addAll(at, copy); // duplicated piece
                }
                default -> bytes.set(at, specials[random.nextInt(specials.length)]);
            }
        }
        byte[] mutated = new byte[bytes.size()];
        for (int i = 0; i < mutated.length; i++) {
            mutated[i] = bytes.get(i);
        }
        return mutated;
    }

    /** A real route with real names, one piece sometimes replaced. */
    private static String nearlyValidTarget(Random random, String method) {
        String service = pick(random, NAMES);
        String id = pick(random, IDS);
        String target = switch (method) {
            case "GET" -> pick(random, new String[]{"/services", "/services/" + service,
                "/services/" + service + "/instance?strategy=random", "/services/" + service + "/instances/" + id,
                "/services/" + service + "?status=UP&zone=eu-1", "/health", "/metrics",
                "/services/" + service + "/instance?key=k&meta.version=1.4"});
            case "PUT" -> "/services/" + service + "/instances/" + id + (random.nextInt(3) == 0 ? "/heartbeat" : "");
            default -> "/services/" + service + "/instances/" + id;
        };
        if (random.nextInt(5) == 0) {
            String[] parts = target.split("/");
            if (parts.length > 1) {
                parts[1 + random.nextInt(parts.length - 1)] = anyPiece(random);
                target = String.join("/", parts);
            }
        }
        return target;
    }

    private static String target(Random random) {
        StringBuilder path = new StringBuilder();
        int shape = random.nextInt(10);
        List<String> segments = new ArrayList<>();
        if (shape < 7) { // the API's shapes: /services/{name}/instances/{id}/heartbeat cut short, with random pieces
            segments.add(random.nextInt(12) == 0 ? pick(random, WORDS) : "services");
            segments.add(random.nextInt(10) < 7 ? pick(random, NAMES) : anyPiece(random));
            int third = random.nextInt(10);
            segments.add(third < 5 ? "instances" : third < 7 ? "instance" : third < 8 ? "events" : anyPiece(random));
            segments.add(random.nextInt(10) < 7 ? pick(random, IDS) : anyPiece(random));
            segments.add(random.nextInt(10) < 8 ? "heartbeat" : anyPiece(random));
            segments.subList(random.nextInt(6), segments.size()).clear();
        } else {
            int count = random.nextInt(7);
            for (int s = 0; s < count; s++) {
                segments.add(random.nextInt(2) == 0 ? randomSegment(random) : pick(random, WORDS));
            }
        }
        for (String segment : segments) {
            path.append('/').append(segment);
        }
        if (path.length() == 0 || random.nextInt(20) == 0) {
            path.append('/');
        }
        if (random.nextInt(3) == 0) {
            path.append('?');
            int count = random.nextInt(4);
            for (int p = 0; p < count; p++) {
                if (p > 0) {
                    path.append(random.nextInt(10) == 0 ? "&&" : "&");
                }
                path.append(random.nextInt(5) == 0 ? randomSegment(random) : pick(random, PARAMETERS));
                if (random.nextInt(6) > 0) {
                    path.append('=').append(random.nextInt(4) == 0 ? randomSegment(random) : pick(random, VALUES));
                }
            }
        }
        return path.toString();
    }

    private static String anyPiece(Random random) {
        return random.nextInt(2) == 0 ? randomSegment(random) : pick(random, WORDS);
    }

    /** Letters, digits and URI-safe marks, with percent-escapes of random bytes; sometimes very long. */
    private static String randomSegment(Random random) {
        String safe = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~";
        int length = random.nextInt(10) == 0 ? 100 + random.nextInt(400) : 1 + random.nextInt(12);
        StringBuilder segment = new StringBuilder();
        for (int i = 0; i < length; i++) {
            if (random.nextInt(6) == 0) {
                segment.append(String.format("%%%02x", random.nextInt(256)));
            } else {
                segment.append(safe.charAt(random.nextInt(safe.length())));
            }
        }
        return segment.toString();
    }

    private static void addHeaders(Random random, HttpRequest.Builder request) {
        int auth = random.nextInt(4);
        if (auth == 0) {
            request.header("Authorization", "Bearer " + TOKEN);
        } else if (auth == 1) {
            request.header("Authorization", pick(random, new String[]{"Bearer nope", "Basic abc", "Bearer",
                "bearer " + TOKEN, "Bearer " + TOKEN + "x", ""}));
        }
        if (random.nextInt(3) == 0) {
            request.header("Content-Type", pick(random, new String[]{"application/json", "text/plain",
                "application/json; charset=utf-8", "application/merge-patch+json", "*/*", "", "x"}));
        }
        int count = random.nextInt(4);
        String token = "abcdefghijklmnopqrstuvwxyz0123456789-!#$%&'*+.^_`|~";
        for (int h = 0; h < count; h++) {
            StringBuilder name = new StringBuilder("X-");
            int length = 1 + random.nextInt(12);
            for (int c = 0; c < length; c++) {
                name.append(token.charAt(random.nextInt(token.length())));
            }
            StringBuilder value = new StringBuilder();
            int valueLength = random.nextInt(20) == 0 ? 2000 : random.nextInt(30);
            for (int c = 0; c < valueLength; c++) {
                value.append((char) (0x21 + random.nextInt(0x5e)));
            }
            if (!RESTRICTED.contains(name.toString().toLowerCase())) {
                request.header(name.toString(), value.toString());
            }
        }
    }

    private static byte[] body(Random random) {
        String valid = "{\"host\":\"10.0.0." + random.nextInt(300) + "\",\"port\":" + (random.nextInt(70000) - 100)
                + ",\"status\":\"" + pick(random, new String[]{"UP", "DOWN", "STARTING", "DRAINING", "up", "x"})
                + "\",\"metadata\":{\"zone\":\"eu-" + random.nextInt(3) + "\"},\"ports\":{\"admin\":9090},"
                + "\"ttl\":\"" + pick(random, new String[]{"30s", "500ms", "1d", "2d", "0s", "abc", "5"}) + "\"}";
        return switch (random.nextInt(9)) {
            case 0 -> null;
            case 1, 2 -> valid.getBytes(StandardCharsets.UTF_8);
            case 3 -> {
                byte[] bytes = valid.getBytes(StandardCharsets.UTF_8);
                for (int m = 0; m < 1 + random.nextInt(3); m++) {
                    bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
                }
                yield bytes;
            }
            case 4 -> Arrays.copyOf(valid.getBytes(StandardCharsets.UTF_8), random.nextInt(valid.length()));
            case 5 -> {
                byte[] bytes = new byte[random.nextInt(300)];
                random.nextBytes(bytes);
                yield bytes;
            }
            case 6 -> ("{\"host\":\"h\",\"port\":1,\"metadata\":{\"k\":\""
                    + "x".repeat(MAX_BODY + random.nextInt(20_000)) + "\"}}").getBytes(StandardCharsets.UTF_8);
            case 7 -> ("[".repeat(1 + random.nextInt(2000)) + "]".repeat(random.nextInt(2000)))
                    .getBytes(StandardCharsets.UTF_8);
            default -> pick(random, new String[]{"", "{}", "null", "1e999999", "{\"port\":" + "9".repeat(50) + "}",
                "{\"host\":\"\\u0000\",\"port\":1}", "{\"host\":\"h\",\"port\":1,\"extra\":true}", "\"\"",
                "{\"host\":\"h\",\"port\":1}{}", "{\"host\":\"h\",\"host\":\"h\"}"}).getBytes(StandardCharsets.UTF_8);
        };
    }

    private static HttpRequest.BodyPublisher publisher(Random random, byte[] body) {
        if (body == null) {
            return HttpRequest.BodyPublishers.noBody();
        }
        HttpRequest.BodyPublisher fixed = HttpRequest.BodyPublishers.ofByteArray(body);
        if (random.nextBoolean()) {
            return fixed;
        }
        // unknown length: sent chunked
        return HttpRequest.BodyPublishers.fromPublisher((Flow.Publisher<java.nio.ByteBuffer>) fixed);
    }

    private static List<Thread> busyWorkers() {
        List<Thread> busy = new ArrayList<>();
        Thread.getAllStackTraces().forEach((thread, stack) -> {
            if (thread.getName().startsWith("beacon-http-worker-")
                    && Arrays.stream(stack).anyMatch(frame -> frame.getClassName().contains("httpserver"))) {
                busy.add(thread);
            }
        });
        return busy;
    }

    private static String pick(Random random, String[] values) {
        return values[random.nextInt(values.length)];
    }

    private static String preview(byte[] bytes) {
        String text = new String(bytes, 0, Math.min(bytes.length, 160), StandardCharsets.ISO_8859_1);
        return text.replace("\r", "\\r").replace("\n", "\\n") + (bytes.length > 160 ? "…" : "");
    }
}
