package dev.beacon.reliability;

import dev.beacon.testing.JavaProcess;
import dev.beacon.testing.Jdks;

import java.io.IOException;
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
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Sample-app JVMs, each with the built agent registering it as {@code app-<i>} of one service (ttl and heartbeat from
 * {@link Scale}), started a few at a time so that a 2-core machine is not flooded. Each app's metadata holds its index
 * and a token unique to this run, so that a registration can be compared with what the app should have registered.
 */
final class Fleet implements AutoCloseable {

    static final Path AGENT_JAR = Path.of(System.getProperty("beacon.agent.jar", "../agent/target/beacon-agent.jar"));
    static final Path SAMPLE_JAR = Path.of(System.getProperty("beacon.sample.jar",
            "../sample-app/target/sample-app.jar"));
    /** Light JVMs: 20 of them share 2 cores. */
    static final List<String> LIGHT_JVM = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx64m",
            "-Xss512k", "-Xshare:auto");
    private static final int BATCH = 4;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final String service;
    private final List<JavaProcess> apps = new ArrayList<>();
    private final Map<String, Integer> ports = new LinkedHashMap<>();
    private final Map<String, Map<String, String>> metadata = new LinkedHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Fleet(String service) {
        this.service = service;
    }

    /** Starts {@code count} apps registering in {@code registryUri}; returns once every one listens. */
    static Fleet start(int count, String service, String registryUri) throws Exception {
        return start(count, service, registryUri, Scale.TTL);
    }

    /** Like {@link #start(int, String, String)} with another lease than {@link Scale#TTL}. */
    static Fleet start(int count, String service, String registryUri, Duration ttl) throws Exception {
        checkJar(AGENT_JAR);
        checkJar(SAMPLE_JAR);
        Fleet fleet = new Fleet(service);
        String token = UUID.randomUUID().toString().substring(0, 8);
        try {
            for (int first = 0; first < count; first += BATCH) {
                List<JavaProcess> batch = new ArrayList<>();
                for (int i = first; i < Math.min(count, first + BATCH); i++) {
                    String id = "app-" + i;
                    List<String> args = new ArrayList<>(LIGHT_JVM);
                    args.add("-javaagent:" + AGENT_JAR.toAbsolutePath() + "=service=" + service + ",registry="
                            + registryUri + ",ttl=" + ttl.toMillis() + "ms,heartbeat="
                            + Scale.HEARTBEAT.toMillis() + "ms,id=" + id + ",meta.index=" + i + ",meta.run=" + token);
                    args.addAll(List.of("-jar", SAMPLE_JAR.toAbsolutePath().toString(), "--name", id,
                            "--registry", "memory:"));
                    JavaProcess app = JavaProcess.start(Jdks.current(), args);
                    fleet.apps.add(app);
                    batch.add(app);
                    fleet.metadata.put(id, Map.of("index", String.valueOf(i), "run", token));
                }
                for (JavaProcess app : batch) {
                    int port = Integer.parseInt(app.awaitOut("listening on (\\d+)", START_TIMEOUT));
                    fleet.ports.put("app-" + fleet.apps.indexOf(app), port);
                }
            }
            return fleet;
        } catch (Exception | Error e) {
            fleet.close();
            throw e;
        }
    }

    private static void checkJar(Path jar) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar.toAbsolutePath() + " is missing: build it first (mvn -B install "
                    + "-DskipTests -pl core,sample-app,agent, or mvn verify from the root)");
        }
    }

    String service() {
        return service;
    }

    int size() {
        return apps.size();
    }

    /** The ids the registry must list: every app's. */
    Set<String> ids() {
        return new TreeSet<>(ports.keySet());
    }

    JavaProcess app(int index) {
        return apps.get(index);
    }

    int port(String id) {
        return ports.get(id);
    }

    Map<String, String> metadata(String id) {
        return metadata.get(id);
    }

    /** Apps whose process has ended (none should). */
    List<String> dead() {
        List<String> dead = new ArrayList<>();
        for (int i = 0; i < apps.size(); i++) {
            if (!apps.get(i).process().isAlive()) {
                dead.add("app-" + i + " (exit " + apps.get(i).process().exitValue() + ")");
            }
        }
        return dead;
    }

    /** One {@code GET /} to app {@code id}: its latency in ms; throws if it fails or does not answer 200. */
    long get(String id) throws IOException, InterruptedException {
        long start = System.nanoTime();
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + ports.get(id) + "/")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException(id + " answered " + response.statusCode());
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    /** Lines the agents wrote to stderr matching {@code contains}, summed over the apps. */
    long agentLines(String contains) {
        return apps.stream().mapToLong(app -> app.stderr().stream().filter(l -> l.contains(contains)).count()).sum();
    }

    @Override
    public void close() {
        // SIGTERM to all first, then wait: 20 sequential shutdowns would take long
        apps.forEach(app -> app.process().toHandle().destroy());
        for (JavaProcess app : apps) {
            try {
                if (!app.process().waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                    app.close();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                app.close();
            }
        }
    }
}
