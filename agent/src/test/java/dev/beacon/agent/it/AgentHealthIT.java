package dev.beacon.agent.it;

import dev.beacon.agent.logging.AgentLines;
import dev.beacon.testing.JavaProcess;
import dev.beacon.testing.Jdks;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beacon.ServiceInstance;
import dev.beacon.Status;
import dev.beacon.registry.FileServiceRegistry;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The agent's self-check end to end: the sample app with {@code health=/health} on a temporary file registry, on
 * every JDK of {@link Jdks#all()}, its status read by this JVM through its own registry handle (and once through the
 * {@code list} command). A DOWN app is reported on the agent's INFO lines, with no warning ({@link JvmOutput}).
 *
 * <p><b>Seeing STARTING.</b> The sample app answers {@code /health} 200 from the start, so the app is UP as soon as
 * it is first probed. The agent registers STARTING the moment the app listens and probes one interval later, so with
 * {@code health-interval=2s} STARTING lasts about two seconds. A watcher thread, started before the app, reads the
 * registry every 10 ms and records each status it sees with the time it saw it; the test then asserts the order
 * (STARTING first, then UP, nothing else in between) and the times. Missing STARTING would take a 2-second stall of
 * this JVM, not a race.
 *
 * <p><b>Time bounds.</b> Taken before the switch is requested, so a slow test thread can only make them looser:
 * DOWN needs {@code fall} failing probes one interval apart, so it is seen no sooner than (fall - 1) × interval and
 * no later than fall × interval plus slack (the probe timeout, the loop's 250 ms tick per probe, a busy machine);
 * UP again likewise with {@code rise}.
 */
class AgentHealthIT {

    private static final Duration INTERVAL = Duration.ofSeconds(2);
    private static final int RISE = 2;
    private static final int FALL = 3;
    private static final Duration SLACK = Duration.ofSeconds(3);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path temp;

    /** A status seen by the watcher, and when (System.nanoTime). Null status: not registered. */
    private record Seen(Status status, long atNanos) {
    }

    static Stream<Path> jdks() {
        return Jdks.all();
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void agent_healthSelfCheck_startingThenUpThenDownThenUpAgainThroughTheRegistry(Path java) throws Exception {
        Path registryDir = temp.resolve("registry");
        String registry = "file:" + registryDir;
        List<Seen> history = new CopyOnWriteArrayList<>();
        try (FileServiceRegistry reader = new FileServiceRegistry(registryDir);
             Watcher watcher = new Watcher(reader, history)) {
            watcher.start();
            long launchedAt = System.nanoTime();
            try (JavaProcess app = JavaProcess.start(java, List.of(
                    "-javaagent:" + AgentIT.AGENT_JAR.toAbsolutePath() + "=service=orders,registry=" + registry
                            + ",health=/health,health-interval=" + INTERVAL.toSeconds() + "s",
                    "-jar", AgentIT.SAMPLE_JAR.toAbsolutePath().toString()))) {
                int port = Integer.parseInt(app.awaitOut("listening on (\\d+)", Duration.ofSeconds(30)));

                // STARTING, then UP after the first probe
                Seen up = awaitStatus(history, Status.UP, launchedAt, Duration.ofSeconds(30), app);
                assertThat(statusesSince(history, launchedAt)).as("statuses seen from the launch\n" + app.describe())
                        .containsExactly(Status.STARTING, Status.UP);
                Seen starting = history.get(0);
                assertThat(Duration.ofNanos(up.atNanos() - starting.atNanos()))
                        .as("UP after the first probe, one interval after the STARTING registration")
                        .isLessThan(INTERVAL.plus(SLACK));
                assertThat(instance(reader).port()).isEqualTo(port);

                // 503: DOWN after FALL failures in a row
                long downRequestedAt = System.nanoTime();
                assertThat(post(port, "/health/down")).isEqualTo(503);
                Seen down = awaitStatus(history, Status.DOWN, downRequestedAt,
                        INTERVAL.multipliedBy(FALL).plus(SLACK), app);
                assertThat(statusesSince(history, downRequestedAt)).containsExactly(Status.DOWN);
                assertThat(Duration.ofNanos(down.atNanos() - downRequestedAt))
                        .as("not before %d failing probes one interval apart", FALL)
                        .isGreaterThanOrEqualTo(INTERVAL.multipliedBy(FALL - 1));
                assertThat(listStatus(registry)).as("another client, the list command, sees it too")
                        .isEqualTo("DOWN");

                // 200 again: UP after RISE passes in a row
                long upRequestedAt = System.nanoTime();
                assertThat(post(port, "/health/up")).isEqualTo(200);
                Seen upAgain = awaitStatus(history, Status.UP, upRequestedAt,
                        INTERVAL.multipliedBy(RISE).plus(SLACK), app);
                assertThat(statusesSince(history, upRequestedAt)).containsExactly(Status.UP);
                assertThat(Duration.ofNanos(upAgain.atNanos() - upRequestedAt))
                        .as("not before %d passing probes one interval apart", RISE)
                        .isGreaterThanOrEqualTo(INTERVAL.multipliedBy(RISE - 1));

                List<String> beacon = AgentLines.messages(app.stderr()).stream()
                        .filter(m -> !m.startsWith("advertising ")).toList();
                assertThat(beacon).as(app.describe()).hasSize(4);
                assertThat(beacon.get(0)).contains("registered service=orders", ":" + port,
                        "as STARTING; health /health every 2000 ms (rise 2, fall 3)");
                assertThat(beacon.get(1)).matches("orders id=\\S+ is now UP: /health answered 200");
                assertThat(beacon.get(2)).matches(
                        "orders id=\\S+ is now DOWN: /health answered 503 \\(3 failures in a row\\)");
                assertThat(beacon.get(3)).matches(
                        "orders id=\\S+ is now UP: /health answered 200 \\(2 passes in a row\\)");
                JvmOutput.assertNoWarnings(app);
            }
        }
    }

    /** Waits until the watcher has seen {@code status} after {@code sinceNanos}; returns that sighting. */
    private static Seen awaitStatus(List<Seen> history, Status status, long sinceNanos, Duration within,
                                    JavaProcess app) throws InterruptedException {
        long deadline = sinceNanos + within.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<Seen> seen = history.stream().filter(s -> s.atNanos() >= sinceNanos && s.status() == status)
                    .findFirst();
            if (seen.isPresent()) {
                return seen.get();
            }
            Thread.sleep(20);
        }
        throw new AssertionError("not " + status + " within " + within.toMillis() + " ms; seen since then: "
                + statusesSince(history, sinceNanos) + "\n" + app.describe());
    }

    private static List<Status> statusesSince(List<Seen> history, long sinceNanos) {
        return history.stream().filter(s -> s.atNanos() >= sinceNanos).map(Seen::status).toList();
    }

    private static ServiceInstance instance(FileServiceRegistry reader) {
        List<ServiceInstance> instances = reader.instances("orders");
        assertThat(instances).hasSize(1);
        return instances.get(0);
    }

    private static int post(int port, String path) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        return response.statusCode();
    }

    private static String listStatus(String registry) throws Exception {
        JavaProcess.Result result = JavaProcess.run(Jdks.current(), List.of("-jar",
                AgentIT.AGENT_JAR.toAbsolutePath().toString(), "list", "--registry", registry, "--json"),
                Duration.ofSeconds(30));
        assertThat(result.exitCode()).as(result.err()).isZero();
        JsonNode orders = JSON.readTree(result.out()).path("orders");
        assertThat(orders.size()).as(result.out()).isEqualTo(1);
        return orders.get(0).path("status").asText();
    }

    /**
     * Reads the registry every 10 ms on its own thread and records every change of the one instance's status
     * (consecutive equal readings once, the absence of an instance not at all).
     */
    private static final class Watcher extends Thread implements AutoCloseable {
        private final FileServiceRegistry reader;
        private final List<Seen> history;
        private volatile boolean stopped;

        Watcher(FileServiceRegistry reader, List<Seen> history) {
            super("registry-watcher");
            setDaemon(true);
            this.reader = reader;
            this.history = history;
        }

        @Override
        public void run() {
            Status last = null;
            while (!stopped) {
                try {
                    List<ServiceInstance> instances = reader.instances("orders");
                    if (!instances.isEmpty() && instances.get(0).status() != last) {
                        last = instances.get(0).status();
                        history.add(new Seen(last, System.nanoTime()));
                    }
                } catch (RuntimeException e) {
                    // a directory being created or a file being replaced: read again
                }
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        @Override
        public void close() throws InterruptedException {
            stopped = true;
            interrupt();
            join(5_000);
        }
    }
}
