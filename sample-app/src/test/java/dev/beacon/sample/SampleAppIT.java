package dev.beacon.sample;

import dev.beacon.ServiceInstance;
import dev.beacon.registry.FileServiceRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs the packaged jar ({@code target/sample-app.jar}) as a separate JVM, as scripts and the agent's tests do. */
class SampleAppIT {

    private static final Path JAR = Path.of("target", "sample-app.jar");
    private static final Pattern LISTENING = Pattern.compile("(?m)^listening on (\\d+)$");

    @TempDir
    Path temp;

    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void killLeftovers() {
        processes.forEach(Process::destroyForcibly);
    }

    @Test
    void main_badPort_exits2WithOneLineNamingItThenUsage() throws Exception {
        Process app = launch("--port", "http");

        assertThat(app.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(app.exitValue()).isEqualTo(2);
        assertThat(Files.readAllLines(temp.resolve("err.txt")))
                .containsExactly("sample-app: --port must be a number 0..65535 (0 = any free port), but was 'http'",
                        Options.USAGE);
        assertThat(Files.readString(temp.resolve("out.txt"))).isEmpty();
    }

    @Test
    void main_sigterm_printsStoppingAndExits() throws Exception {
        Process app = launch("--name", "orders-7");
        int port = awaitListening(app);
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.body()).isEqualTo("orders-7 on port " + port);

        app.destroy(); // SIGTERM

        assertThat(app.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(Files.readAllLines(temp.resolve("out.txt"))).containsExactly("listening on " + port, "stopping");
    }

    @Test
    void checkDeregistered_stillListedAtShutdown_reportsTrue() throws Exception {
        assertThat(selfRegisteredAtShutdown(true)).isEqualTo("shutdown-hook: self registered=true");
    }

    @Test
    void checkDeregistered_notListedAtShutdown_reportsFalse() throws Exception {
        assertThat(selfRegisteredAtShutdown(false)).isEqualTo("shutdown-hook: self registered=false");
    }

    /** Starts the app with the check, lists it (or another port) the way the agent would, stops it with SIGTERM. */
    private String selfRegisteredAtShutdown(boolean listSelf) throws Exception {
        Path directory = temp.resolve("registry");
        Process app = launch("--registry", "file:" + directory, "--check-deregistered-on-shutdown", "orders");
        int port = awaitListening(app);
        try (FileServiceRegistry registry = new FileServiceRegistry(directory)) {
            int listedPort = listSelf ? port : (port == 65535 ? 1 : port + 1);
            registry.register(ServiceInstance.builder("orders").host("127.0.0.1").port(listedPort).build(),
                    Duration.ofMinutes(1));
            registry.register(ServiceInstance.builder("payments").host("127.0.0.1").port(port).build(),
                    Duration.ofMinutes(1));
        }

        app.destroy();

        assertThat(app.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return Files.readAllLines(temp.resolve("out.txt")).stream()
                .filter(line -> line.startsWith("shutdown-hook:"))
                .findFirst().orElse("(no shutdown-hook line)");
    }

    private Process launch(String... args) throws IOException {
        assertThat(JAR).as("the packaged app; run 'mvn verify', not just the test phase").exists();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command)
                .redirectOutput(temp.resolve("out.txt").toFile())
                .redirectError(temp.resolve("err.txt").toFile())
                .start();
        processes.add(process);
        return process;
    }

    private int awaitListening(Process app) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            Matcher matcher = LISTENING.matcher(Files.readString(temp.resolve("out.txt")));
            if (matcher.find()) {
                return Integer.parseInt(matcher.group(1));
            }
            if (!app.isAlive()) {
                break;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no 'listening on' line; stderr: " + Files.readString(temp.resolve("err.txt")));
    }
}
