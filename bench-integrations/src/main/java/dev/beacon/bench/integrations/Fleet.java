package dev.beacon.bench.integrations;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** JVMs started with the agent jar as instances {@code <prefix>-0..n-1} of one service; each prints its port. */
final class Fleet implements AutoCloseable {

    static final Path ROOT = Path.of(System.getProperty("beacon.root", ".")).toAbsolutePath().normalize();
    static final Path AGENT_JAR = ROOT.resolve("agent/target/beacon-agent.jar");
    static final Path SAMPLE_JAR = ROOT.resolve("sample-app/target/sample-app.jar");
    private static final Pattern LISTENING = Pattern.compile("listening on (\\d+)");

    final List<Process> processes = new ArrayList<>();
    final List<Integer> ports = new ArrayList<>();

    /** Three sample apps ({@code app-i}) answering {@code GET /} with {@code "app-i on port N"}. */
    static Fleet sampleApps(int count, String service, String registry, String agentOptions) throws Exception {
        Fleet fleet = new Fleet();
        for (int i = 0; i < count; i++) {
            fleet.start(List.of("-jar", SAMPLE_JAR.toString(), "--name", "app-" + i, "--registry", "memory:"),
                    service, "app-" + i, registry, agentOptions);
        }
        fleet.awaitPorts();
        return fleet;
    }

    /** gRPC {@link Who} servers ({@code who-i}). */
    static Fleet whoServers(int count, String service, String registry, String agentOptions) throws Exception {
        Fleet fleet = new Fleet();
        for (int i = 0; i < count; i++) {
            fleet.start(List.of("-cp", System.getProperty("java.class.path"), Who.class.getName(), "who-" + i),
                    service, "who-" + i, registry, agentOptions);
        }
        fleet.awaitPorts();
        return fleet;
    }

    private final List<CompletableFuture<Integer>> portFutures = new ArrayList<>();

    private void start(List<String> main, String service, String id, String registry, String agentOptions)
            throws IOException {
        for (Path jar : List.of(AGENT_JAR, SAMPLE_JAR)) {
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException(jar + " is missing: ./bench.sh builds it");
            }
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                        .toString(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx64m",
                "-javaagent:" + AGENT_JAR + "=service=" + service + ",host=127.0.0.1,id=" + id + ",registry="
                        + registry + "," + agentOptions));
        command.addAll(main);
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        processes.add(process);
        CompletableFuture<Integer> port = new CompletableFuture<>();
        portFutures.add(port);
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        port.complete(Integer.parseInt(m.group(1)));
                    }
                }
            } catch (IOException e) {
                port.completeExceptionally(e);
            }
            port.completeExceptionally(new IllegalStateException(id + " ended before listening"));
        }, "out-" + id);
        reader.setDaemon(true);
        reader.start();
    }

    private void awaitPorts() throws Exception {
        for (CompletableFuture<Integer> port : portFutures) {
            ports.add(port.get(60, TimeUnit.SECONDS));
        }
    }

    /** SIGTERM, then waits for the exit. */
    void terminate(int index) throws InterruptedException {
        Process process = processes.get(index);
        process.toHandle().destroy();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        processes.forEach(Process::destroyForcibly);
    }
}
