package dev.beacon.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A throw-away Netflix Eureka server (Spring Cloud Netflix's, the jar {@code eureka/eureka-server-app} builds) in a
 * child JVM on a free loopback port, for the benchmarks; with the settings of Beacon's Eureka tests (no read-only
 * response cache, eviction every 200 ms, no self-preservation), which {@link #SETTINGS} lists for the report.
 */
final class EurekaProcess implements AutoCloseable {

    static final Map<String, String> SETTINGS = Map.of(
            "eureka.server.use-read-only-response-cache", "false",
            "eureka.server.eviction-interval-timer-in-ms", "200",
            "eureka.server.enable-self-preservation", "false");

    private final Process process;
    private final int port;
    private final Path log;

    private EurekaProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * Eureka's own defaults (Spring Cloud Netflix's {@code EurekaServerConfigBean}), given explicitly: the test
     * server's {@code application.properties} sets the fast values of {@link #SETTINGS} otherwise.
     */
    static final Map<String, String> EUREKA_DEFAULTS = Map.of(
            "eureka.server.use-read-only-response-cache", "true",
            "eureka.server.response-cache-update-interval-ms", "30000",
            "eureka.server.eviction-interval-timer-in-ms", "60000",
            "eureka.server.enable-self-preservation", "true");

    static EurekaProcess start(Path jar) throws Exception {
        return start(jar, SETTINGS);
    }

    static EurekaProcess start(Path jar, Map<String, String> serverSettings) throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        Map<String, String> settings = new LinkedHashMap<>(serverSettings);
        settings.put("server.port", Integer.toString(port));
        settings.put("server.address", "127.0.0.1");
        settings.put("eureka.client.register-with-eureka", "false");
        settings.put("eureka.client.fetch-registry", "false");
        settings.put("eureka.instance.hostname", "127.0.0.1");
        settings.put("eureka.client.service-url.defaultZone", "http://127.0.0.1:" + port + "/eureka/"); // no peer
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx256m", "-XX:+UseSerialGC", "-jar", jar.toString()));
        settings.forEach((key, value) -> command.add("--" + key + "=" + value));
        Path log = Files.createTempFile("beacon-bench-eureka-", ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        EurekaProcess eureka = new EurekaProcess(process, port, log);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (System.nanoTime() < deadline && process.isAlive()) {
            try {
                HttpResponse<Void> answer = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/eureka/apps")).header("Accept", "application/json").build(),
                        HttpResponse.BodyHandlers.discarding());
                if (answer.statusCode() == 200) {
                    return eureka;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        eureka.close();
        throw new IllegalStateException("the Eureka server " + jar + " did not start; its log: " + log);
    }

    String uri() {
        return "eureka://127.0.0.1:" + port + "/eureka";
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
