package dev.beacon.agent.it;

import dev.beacon.ServiceInstance;
import dev.beacon.registry.FileServiceRegistry;
import dev.beacon.testing.JavaProcess;
import dev.beacon.testing.Jdks;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How soon the agent acts on a listener the app closes while it keeps running, in a real JVM with the agent jar,
 * watched through the file registry: the close hooks wake the agent's thread, so the instance is gone (or, when
 * another listener stays, updated) within milliseconds. Before the hooks it was noticed at the agent's next 250 ms
 * tick (p50 about 125 ms, max 250 ms), which the bound here fails.
 *
 * <p>Measured from the app's clock just before {@code close()} to the moment this test's reader (polling every
 * millisecond) no longer sees the port; both read the same wall clock. One warm-up close, then {@value #CLOSES}
 * measured ones per case.
 */
class ListenerCloseIT {

    private static final int CLOSES = 7;
    /** p50 bound: far above the few milliseconds measured, far below the old tick's 125 ms median. */
    private static final long P50_BOUND_MILLIS = 50;
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path temp;

    private int commands;

    static Stream<Arguments> cases() {
        return Jdks.all().flatMap(java -> Stream.of("socket", "channel", "async").map(kind -> Arguments.of(java, kind)));
    }

    private JavaProcess start(Path java) throws Exception {
        String classpath = Path.of("target/test-classes").toAbsolutePath().toString();
        JavaProcess app = JavaProcess.start(java, List.of(
                "-javaagent:" + AgentIT.AGENT_JAR.toAbsolutePath() + "=service=closing,registry=file:"
                        + temp.resolve("registry"),
                "-cp", classpath, ListenerApp.class.getName()));
        app.awaitOut("^ready$", WAIT);
        return app;
    }

    /** Sends {@code verb <n> arg} and returns the app's answer to it (the line after {@code <answer> <n> }). */
    private String command(JavaProcess app, String verb, String arg, String answer) throws Exception {
        return answer(app, send(app, verb, arg), answer);
    }

    /** Sends {@code verb <n> arg}; returns {@code n}. */
    private int send(JavaProcess app, String verb, String arg) throws IOException {
        int n = ++commands;
        OutputStream stdin = app.process().getOutputStream();
        stdin.write((verb + " " + n + " " + arg + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
        return n;
    }

    private static String answer(JavaProcess app, int n, String answer) throws InterruptedException {
        return app.awaitOut("^" + answer + " " + n + " (\\d+)$", WAIT);
    }

    private static Optional<ServiceInstance> instance(FileServiceRegistry reader) {
        List<ServiceInstance> instances = reader.instances("closing");
        return instances.isEmpty() ? Optional.empty() : Optional.of(instances.get(0));
    }

    /** Polls every millisecond until {@code done}; returns the epoch µs at which it was first seen. */
    private static long awaitEpochMicros(FileServiceRegistry reader, Predicate<Optional<ServiceInstance>> done,
                                         JavaProcess app) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!done.test(instance(reader))) {
            assertThat(System.nanoTime()).as("waited %s; the registry holds %s%n%s", WAIT, instance(reader),
                    app.describe()).isLessThan(deadline);
            Thread.sleep(1);
        }
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    private static void report(String what, List<Long> micros) {
        List<Long> sorted = micros.stream().sorted().toList();
        System.out.printf("ListenerCloseIT %s: close -> seen in the registry (ms): %s; p50 %.1f ms, max %.1f ms%n",
                what, micros.stream().map(m -> String.format("%.1f", m / 1000.0)).toList(),
                sorted.get(sorted.size() / 2) / 1000.0, sorted.get(sorted.size() - 1) / 1000.0);
        assertThat(sorted.get(sorted.size() / 2)).as("p50 µs from close() to seen in the registry, " + what)
                .isLessThan(P50_BOUND_MILLIS * 1000);
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("cases")
    void close_onlyListener_deregisteredWithinMilliseconds(Path java, String kind) throws Exception {
        try (JavaProcess app = start(java); FileServiceRegistry reader = new FileServiceRegistry(temp.resolve("registry"))) {
            List<Long> micros = new ArrayList<>();
            for (int i = 0; i <= CLOSES; i++) {
                int port = Integer.parseInt(command(app, "bind", kind, "bound"));
                awaitEpochMicros(reader, found -> found.map(ServiceInstance::port).orElse(-1) == port, app);
                Thread.sleep(50); // the agent's thread parks again

                int close = send(app, "close", Integer.toString(port)); // watch at once: the answer comes later
                long goneAt = awaitEpochMicros(reader, found -> found.isEmpty(), app);
                String closed = answer(app, close, "closed");
                if (i > 0) { // the first close is the warm-up
                    micros.add(goneAt - Long.parseLong(closed));
                }
            }
            report(kind + " on " + java, micros);
            JvmOutput.assertNoWarnings(app);
        }
    }

    @ParameterizedTest(name = "on {0}")
    @MethodSource("dev.beacon.testing.Jdks#all")
    void close_secondListener_instanceUpdatedWithinMilliseconds(Path java) throws Exception {
        try (JavaProcess app = start(java); FileServiceRegistry reader = new FileServiceRegistry(temp.resolve("registry"))) {
            int primary = Integer.parseInt(command(app, "bind", "socket", "bound"));
            List<Long> micros = new ArrayList<>();
            for (int i = 0; i <= CLOSES; i++) {
                int second = Integer.parseInt(command(app, "bind", "channel", "bound"));
                awaitEpochMicros(reader, found -> found.map(s -> s.ports().containsValue(second)).orElse(false), app);
                Thread.sleep(50);

                int close = send(app, "close", Integer.toString(second));
                long updatedAt = awaitEpochMicros(reader, found -> found.map(s -> !s.ports().containsValue(second))
                        .orElse(false), app);
                String closed = answer(app, close, "closed");
                if (i > 0) {
                    micros.add(updatedAt - Long.parseLong(closed));
                }
            }
            assertThat(instance(reader)).get().extracting(ServiceInstance::port).isEqualTo(primary);
            report("second listener on " + java, micros);
            JvmOutput.assertNoWarnings(app);
        }
    }
}
