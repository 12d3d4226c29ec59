package dev.beacon.springcloud;

import dev.beacon.testing.JavaProcess;
import dev.beacon.testing.Jdks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Sample-app JVMs registered by the real agent jar as instances {@code app-0}, {@code app-1}, ... of one service,
 * advertising {@code 127.0.0.1}. Each answers {@code GET /} with {@code "app-<i> on port <port>"}.
 */
final class Orders implements AutoCloseable {

    static final Path AGENT_JAR = Path.of(System.getProperty("beacon.agent.jar", "../agent/target/beacon-agent.jar"));
    static final Path SAMPLE_JAR = Path.of(System.getProperty("beacon.sample.jar",
            "../sample-app/target/sample-app.jar"));
    private static final List<String> LIGHT_JVM = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx64m",
            "-Xshare:auto");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final String service;
    private final String registry;
    private final String agentOptions;
    private final List<JavaProcess> apps = new ArrayList<>();

    private Orders(String service, String registry, String agentOptions) {
        this.service = service;
        this.registry = registry;
        this.agentOptions = agentOptions;
    }

    /**
     * Starts {@code count} apps; returns once each listens.
     *
     * @param agentOptions more agent options, such as {@code ttl=2s,heartbeat=500ms,drain=500ms}
     */
    static Orders start(int count, String service, String registry, String agentOptions) throws Exception {
        for (Path jar : List.of(AGENT_JAR, SAMPLE_JAR)) {
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException(jar.toAbsolutePath() + " is missing: build it in the same reactor"
                        + " (mvn -B verify -pl core,redis,sample-app,agent,spring-cloud)");
            }
        }
        Orders orders = new Orders(service, registry, agentOptions);
        try {
            for (int i = 0; i < count; i++) {
                orders.add();
            }
            for (JavaProcess app : orders.apps) {
                app.awaitOut("listening on (\\d+)", START_TIMEOUT);
            }
            return orders;
        } catch (Exception | Error e) {
            orders.close();
            throw e;
        }
    }

    /** Starts one more app, {@code app-<size>}, without waiting for it. */
    JavaProcess add() throws Exception {
        String id = "app-" + apps.size();
        List<String> args = new ArrayList<>(LIGHT_JVM);
        args.add("-javaagent:" + AGENT_JAR.toAbsolutePath() + "=service=" + service + ",host=127.0.0.1,registry="
                + registry + ",id=" + id + (agentOptions.isEmpty() ? "" : "," + agentOptions));
        args.addAll(List.of("-jar", SAMPLE_JAR.toAbsolutePath().toString(), "--name", id, "--registry", "memory:"));
        JavaProcess app = JavaProcess.start(Jdks.current(), args);
        apps.add(app);
        return app;
    }

    JavaProcess app(int index) {
        return apps.get(index);
    }

    @Override
    public void close() {
        apps.forEach(JavaProcess::close);
    }
}
