package dev.beacon.registry.eureka;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real Netflix Eureka server (Spring Cloud Netflix's, the {@code eureka-server-app} jar built by the
 * {@code eureka/eureka-server-app} module) in a child JVM on a free loopback port, configured for fast tests: no
 * read-only response cache, eviction every 200 ms, no self-preservation; optionally requiring HTTP basic
 * authentication ({@link EurekaServers#startRequiringBasicAuth}), or with peers (settings naming them, see
 * {@code EurekaPeersIT}). Tests get one from {@link EurekaServers}, which starts it, waits for it and stops it. When
 * the jar is missing the test is skipped with a message, or fails with {@code -Dbeacon.eureka.required=true} (CI).
 */
public final class EurekaTestServer implements AutoCloseable {

    public static final String REQUIRED_PROPERTY = "beacon.eureka.required";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Process process;
    private final int port;
    private final Path log;
    /** The basic-auth header of the test's own raw requests, when the server requires credentials. */
    private final String authorization;

    private EurekaTestServer(Process process, int port, Path log, String authorization) {
        this.process = process;
        this.port = port;
        this.log = log;
        this.authorization = authorization;
    }

    /**
     * Starts the JVM of a server on {@code port} with the fast-test settings plus {@code settings} (Spring
     * properties), without waiting for it ({@link #awaitUp}); {@code authorization} is the header this object's
     * own raw requests send, or null.
     */
    static EurekaTestServer launch(int port, Map<String, String> settings, String authorization) {
        Path jar = jar();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-jar", jar.toString()));
        Map<String, String> all = new java.util.LinkedHashMap<>();
        all.put("server.port", Integer.toString(port));
        all.put("server.address", "127.0.0.1");
        all.put("eureka.server.use-read-only-response-cache", "false");
        all.put("eureka.server.response-cache-update-interval-ms", "100");
        all.put("eureka.server.eviction-interval-timer-in-ms", "200");
        all.put("eureka.server.enable-self-preservation", "false");
        all.put("eureka.client.register-with-eureka", "false");
        all.put("eureka.client.fetch-registry", "false");
        // its own URL as its only zone, so that it has no peer to replicate to (the default is localhost:8761)
        all.put("eureka.instance.hostname", "127.0.0.1");
        all.put("eureka.client.service-url.defaultZone", "http://127.0.0.1:" + port + "/eureka/");
        all.putAll(settings);
        all.forEach((key, value) -> command.add("--" + key + "=" + value));
        try {
            Path log = Files.createTempFile("eureka-server-" + port + "-", ".log");
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            return new EurekaTestServer(process, port, log, authorization);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the Eureka server " + jar, e);
        }
    }

    private static Path jar() {
        String configured = System.getProperty("beacon.eureka.server.jar");
        List<Path> candidates = configured != null ? List.of(Path.of(configured)) : List.of(
                Path.of("eureka-server-app/target/eureka-server-app.jar"),
                Path.of("../eureka/eureka-server-app/target/eureka-server-app.jar"));
        for (Path candidate : candidates) {
            if (Files.isRegularFile(candidate)) {
                return candidate.toAbsolutePath();
            }
        }
        String reason = "the Eureka test server's jar is not built (looked for " + candidates + "; build it with "
                + "mvn -B package -pl eureka/eureka-server-app)";
        if (Boolean.getBoolean(REQUIRED_PROPERTY)) {
            throw new org.opentest4j.AssertionFailedError(reason + ", and -D" + REQUIRED_PROPERTY
                    + "=true makes that a failure");
        }
        throw new org.opentest4j.TestAbortedException(reason + ", so this Eureka test is skipped. Set -D"
                + REQUIRED_PROPERTY + "=true to fail instead of skipping.");
    }

    /** A port nothing listens on now, on the loopback interface. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits until the server answers {@code GET /eureka/apps}; fails when its JVM exits or {@code timeout} passes. */
    void awaitUp(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the Eureka server exited with " + process.exitValue() + ": "
                        + tail());
            }
            try {
                if (get("/eureka/apps").statusCode() == 200) {
                    return;
                }
            } catch (IllegalStateException notYet) {
                // not listening yet
            }
            sleep(250);
        }
        close();
        throw new IllegalStateException("the Eureka server did not answer within " + timeout + ": " + tail());
    }

    public int port() {
        return port;
    }

    /** {@code eureka://127.0.0.1:PORT/eureka} plus {@code suffix} (e.g. {@code ?poll=200ms}). */
    public String uri(String suffix) {
        return "eureka://127.0.0.1:" + port + "/eureka" + suffix;
    }

    /** A raw GET, as JSON, of {@code path} (e.g. {@code /eureka/apps}). */
    public HttpResponse<String> get(String path) {
        return send("GET", path, "application/json");
    }

    /** A raw request. */
    public HttpResponse<String> send(String method, String path, String accept) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(5)).header("Accept", accept)
                    .method(method, HttpRequest.BodyPublishers.noBody());
            if (authorization != null) {
                request.header("Authorization", authorization);
            }
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static final Pattern INSTANCE = Pattern.compile("\"instanceId\":\"([^\"]+)\",\"hostName\":\"[^\"]*\","
            + "\"app\":\"([^\"]+)\"");

    /** Cancels every instance the server holds: a fresh, empty registry for the next test. */
    public void clear() {
        Matcher matcher = INSTANCE.matcher(get("/eureka/apps").body());
        while (matcher.find()) {
            send("DELETE", "/eureka/apps/" + matcher.group(2) + "/" + matcher.group(1), "application/json");
        }
    }

    /** The server's process, e.g. to SIGKILL it ({@link #kill()}). */
    public Process process() {
        return process;
    }

    /** Kills the server with SIGKILL (no cancel, no goodbye to its peers) and waits until it is gone. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The last lines of the server's log, for a failure message. */
    public String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
