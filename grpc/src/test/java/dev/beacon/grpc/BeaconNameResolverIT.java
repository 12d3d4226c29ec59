package dev.beacon.grpc;

import dev.beacon.registry.Registries;
import dev.beacon.registry.ServiceRegistry;
import dev.beacon.testing.JavaProcess;
import dev.beacon.testing.Jdks;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.stub.ClientCalls;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Real grpc-java servers in their own JVMs under the agent jar, registered as {@code who} in a file registry; client
 * channels in this JVM resolve {@code beacon:///who} through the provider that {@code META-INF/services} names (the
 * registry comes from the {@code beacon.registry} system property).
 */
class BeaconNameResolverIT {

    static final Path AGENT_JAR = Path.of(System.getProperty("beacon.agent.jar", "../agent/target/beacon-agent.jar"));

    @TempDir
    static Path registryDir;

    private static String registry;
    private static final List<JavaProcess> servers = new ArrayList<>();

    @BeforeAll
    static void startServers() throws Exception {
        if (!Files.isRegularFile(AGENT_JAR)) {
            throw new IllegalStateException(AGENT_JAR.toAbsolutePath() + " is missing: build it in the same reactor"
                    + " (mvn -B verify -pl core,redis,server,sample-app,agent,grpc)");
        }
        registry = "file:" + registryDir.toAbsolutePath();
        System.setProperty("beacon.registry", registry);
        for (int i = 0; i < 3; i++) {
            startServer();
        }
        for (JavaProcess server : servers) {
            server.awaitOut("listening on (\\d+)", Duration.ofSeconds(60));
        }
        try (ServiceRegistry reader = Registries.open(registry)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> reader.instances("who").size() == 3);
        }
    }

    private static JavaProcess startServer() throws Exception {
        String name = "who-" + servers.size();
        JavaProcess server = JavaProcess.start(Jdks.current(), List.of("-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC", "-Xmx64m",
                "-javaagent:" + AGENT_JAR.toAbsolutePath() + "=service=who,host=127.0.0.1,id=" + name + ",registry="
                        + registry + ",ttl=2s,heartbeat=500ms,drain=300ms",
                "-cp", System.getProperty("java.class.path"), WhoServer.class.getName(), name));
        servers.add(server);
        return server;
    }

    @AfterAll
    static void stopServers() {
        servers.forEach(JavaProcess::close);
        System.clearProperty("beacon.registry");
    }

    private static ManagedChannel channel(String policy) {
        return ManagedChannelBuilder.forTarget("beacon:///who").defaultLoadBalancingPolicy(policy).usePlaintext()
                .build();
    }

    private static String who(ManagedChannel channel) {
        return ClientCalls.blockingUnaryCall(channel, WhoService.NAME,
                CallOptions.DEFAULT.withWaitForReady().withDeadlineAfter(5, TimeUnit.SECONDS), "");
    }

    private static Map<String, Integer> spread(ManagedChannel channel, int times) {
        Map<String, Integer> counts = new TreeMap<>();
        for (int i = 0; i < times; i++) {
            counts.merge(who(channel), 1, Integer::sum);
        }
        return counts;
    }

    @Test
    void roundRobin_spreads_dropsATerminatedServerWithoutAFailedCall_usesANewOne() throws Exception {
        ManagedChannel channel = channel("round_robin");
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> spread(channel, 6).size() == 3);
            Map<String, Integer> counts = spread(channel, 30);
            assertThat(counts).containsOnlyKeys("who-0", "who-1", "who-2");
            assertThat(counts.values()).allMatch(count -> count == 10, "round robin: " + counts);

            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger failed = new AtomicInteger();
            AtomicInteger done = new AtomicInteger();
            Thread load = new Thread(() -> {
                while (!stop.get()) {
                    try {
                        who(channel);
                        done.incrementAndGet();
                    } catch (RuntimeException e) {
                        failed.incrementAndGet();
                    }
                }
            }, "load");
            load.start();
            servers.get(0).terminate(Duration.ofSeconds(20));
            Thread.sleep(300);
            stop.set(true);
            load.join();
            assertThat(failed.get()).as("failed RPCs of %s during the SIGTERM", done.get()).isZero();
            assertThat(spread(channel, 20)).containsOnlyKeys("who-1", "who-2");

            startServer().awaitOut("listening on (\\d+)", Duration.ofSeconds(60));
            await().atMost(Duration.ofSeconds(10)).until(() -> spread(channel, 6).containsKey("who-3"));
            assertThat(spread(channel, 30)).containsOnlyKeys("who-1", "who-2", "who-3");
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void pickFirst_sticksToOneAndAnswers() throws Exception {
        ManagedChannel channel = channel("pick_first");
        try {
            assertThat(spread(channel, 10)).hasSize(1);
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
