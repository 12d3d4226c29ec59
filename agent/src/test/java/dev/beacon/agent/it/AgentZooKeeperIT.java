package dev.beacon.agent.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beacon.registry.zookeeper.ZooKeeperServers;
import dev.beacon.testing.JavaProcess;
import dev.beacon.testing.Jdks;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.apache.curator.x.discovery.ServiceDiscoveryBuilder;
import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.curator.x.discovery.details.JsonInstanceSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The agent on ZooKeeper end to end: real sample-app JVMs with the built agent jar register into a real ZooKeeper
 * server (Curator's TestingServer, in this JVM, ticks of 200 ms: sessions of 200 ms to 4 s), where a client written
 * against Apache Curator's public service-discovery API finds them; and the agent jar's command line lists what that
 * client registered. On the test JDK only: the ZooKeeper client code is the same on every JDK.
 */
@SuppressWarnings({"rawtypes", "unchecked"})
class AgentZooKeeperIT {

    @RegisterExtension
    static ZooKeeperServers zookeeper = new ZooKeeperServers();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger BASES = new AtomicInteger();
    private static TestingServer server;
    private static CuratorFramework curator;

    @BeforeAll
    static void start() {
        server = zookeeper.fastTicks();
        curator = CuratorFrameworkFactory.newClient(server.getConnectString(), new RetryOneTime(100));
        curator.start();
    }

    @AfterAll
    static void stop() {
        curator.close();
    }

    private static ServiceDiscovery<Map> discovery(String basePath) throws Exception {
        ServiceDiscovery<Map> discovery = ServiceDiscoveryBuilder.builder(Map.class).client(curator)
                .basePath(basePath).serializer(new JsonInstanceSerializer<>(Map.class)).build();
        discovery.start();
        return discovery;
    }

    private static JavaProcess startSample(String agentArgs) throws Exception {
        return JavaProcess.start(Jdks.current(), List.of("-javaagent:" + AgentIT.AGENT_JAR.toAbsolutePath() + "="
                + agentArgs, "-jar", AgentIT.SAMPLE_JAR.toAbsolutePath().toString()));
    }

    private static List<Integer> ports(ServiceDiscovery<Map> discovery, String service) throws Exception {
        return discovery.queryForInstances(service).stream().map(ServiceInstance::getPort).toList();
    }

    private static long awaitListed(ServiceDiscovery<Map> discovery, String service, int port, boolean listed,
                                    Duration timeout) throws Exception {
        long start = System.nanoTime();
        while (System.nanoTime() - start < timeout.toNanos()) {
            if (ports(discovery, service).contains(port) == listed) {
                return (System.nanoTime() - start) / 1_000_000;
            }
            Thread.sleep(20);
        }
        throw new AssertionError(service + " port " + port + (listed ? " not listed" : " still listed") + " after "
                + timeout);
    }

    @Test
    void agentOnZooKeeper_curatorServiceDiscoveryFindsIt_andSigtermRemovesItAtOnce() throws Exception {
        String base = "/agent-" + BASES.incrementAndGet();
        String uri = "zookeeper://" + server.getConnectString() + base;
        try (ServiceDiscovery<Map> discovery = discovery(base);
             JavaProcess app = startSample("service=orders,host=127.0.0.1,ttl=3s,registry=" + uri
                     + ",meta.version=2.0")) {
            int port = Integer.parseInt(app.awaitOut("listening on (\\d+)", Duration.ofSeconds(30)));
            awaitListed(discovery, "orders", port, true, Duration.ofSeconds(10));
            ServiceInstance<Map> found = discovery.queryForInstances("orders").iterator().next();
            assertThat(found.getAddress()).isEqualTo("127.0.0.1");
            assertThat((Map<String, Object>) found.getPayload().get("metadata")).containsEntry("version", "2.0");

            app.terminate(Duration.ofSeconds(20));

            assertThat(ports(discovery, "orders")).as("gone when the JVM has exited").doesNotContain(port);
            assertThat(String.join("\n", app.stderr())).as(app.describe())
                    .containsPattern("ZooKeeper registry .*session 0x[0-9a-f]+ opened, timeout 3000 ms");
            assertThat(app.stderr()).as("Curator's and ZooKeeper's INFO lines are not the agent's")
                    .noneMatch(line -> line.contains("Client environment") || line.contains("State change"));
            JvmOutput.assertNoWarnings(app);
        }
    }

    @Test
    void agentOnZooKeeper_sigkill_goneWhenItsSessionExpires() throws Exception {
        String base = "/agent-" + BASES.incrementAndGet();
        String uri = "zookeeper://" + server.getConnectString() + base;
        try (ServiceDiscovery<Map> discovery = discovery(base);
             JavaProcess app = startSample("service=orders,host=127.0.0.1,ttl=2s,registry=" + uri)) {
            int port = Integer.parseInt(app.awaitOut("listening on (\\d+)", Duration.ofSeconds(30)));
            awaitListed(discovery, "orders", port, true, Duration.ofSeconds(10));
            JvmOutput.assertNoWarnings(app);

            app.kill();

            long goneAfter = awaitListed(discovery, "orders", port, false, Duration.ofSeconds(6));
            assertThat(goneAfter).as("ms from SIGKILL to gone (session timeout 2000 ms, ticks of 200 ms)")
                    .isLessThanOrEqualTo(3_000);
        }
    }

    @Test
    void curatorRegistered_listedByTheAgentJarsCommandLine_withItsMetadata() throws Exception {
        String base = "/agent-" + BASES.incrementAndGet();
        try (ServiceDiscovery<Map> discovery = discovery(base)) {
            Map<String, Object> payload = new LinkedHashMap<>();
            payload.put("metadata", new LinkedHashMap<>(Map.of("zone", "eu-2")));
            discovery.registerService(ServiceInstance.<Map>builder().name("billing").id("b-1").address("127.0.0.1")
                    .port(9001).payload(payload).build());

            JavaProcess.Result list = JavaProcess.run(Jdks.current(), List.of("-jar",
                    AgentIT.AGENT_JAR.toAbsolutePath().toString(), "list", "--registry",
                    "zookeeper://" + server.getConnectString() + base, "--json"), Duration.ofSeconds(30));

            assertThat(list.exitCode()).as(list.err()).isZero();
            JsonNode billing = JSON.readTree(list.out()).path("billing");
            assertThat(billing).hasSize(1);
            assertThat(billing.get(0).path("id").asText()).isEqualTo("b-1");
            assertThat(billing.get(0).path("port").asInt()).isEqualTo(9001);
            assertThat(billing.get(0).path("metadata").path("zone").asText()).isEqualTo("eu-2");
        }
    }

    @Test
    void agentAndList_withDigestCredentials_neverPrintThePassword() throws Exception {
        String base = "/agent-" + BASES.incrementAndGet();
        String uri = "zookeeper://beacon:pw-Zq81x@" + server.getConnectString() + base;
        try (ServiceDiscovery<Map> discovery = discovery(base);
             JavaProcess app = startSample("service=orders,host=127.0.0.1,registry=" + uri)) {
            int port = Integer.parseInt(app.awaitOut("listening on (\\d+)", Duration.ofSeconds(30)));
            awaitListed(discovery, "orders", port, true, Duration.ofSeconds(10));
            JavaProcess.Result list = JavaProcess.run(Jdks.current(), List.of("-jar",
                    AgentIT.AGENT_JAR.toAbsolutePath().toString(), "list", "--registry", uri), Duration.ofSeconds(30));
            assertThat(list.exitCode()).as(list.err()).isZero();
            assertThat(list.out() + list.err()).contains("orders").doesNotContain("pw-Zq81x");
            app.terminate(Duration.ofSeconds(20));
            assertThat(String.join("\n", app.stderr())).contains("beacon:****@").doesNotContain("pw-Zq81x");
        }
    }
}
