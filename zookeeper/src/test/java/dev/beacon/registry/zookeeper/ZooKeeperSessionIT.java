package dev.beacon.registry.zookeeper;

import dev.beacon.ServiceInstance;
import dev.beacon.registry.Registration;
import dev.beacon.registry.ServiceRegistry;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Where a ZooKeeper lease is a session, which the contract test cannot show: closing a handle removes its instances at
 * once; a session that expired while the server was away is replaced and the handle's instances come back; and a
 * server killed in a three-node ensemble loses nothing.
 */
class ZooKeeperSessionIT {

    private static ServiceInstance instance(String id, int port) {
        return ServiceInstance.builder("orders").id(id).host("127.0.0.1").port(port).build();
    }

    @Test
    void close_endsTheSession_itsInstancesAreGoneAtOnce() throws Exception {
        try (TestingServer server = new TestingServer(true)) {
            String uri = "zookeeper://" + server.getConnectString() + "/close";
            try (ServiceRegistry reader = ZooKeeperServiceRegistry.open(uri)) {
                ServiceRegistry writer = ZooKeeperServiceRegistry.open(uri);
                writer.register(instance("a", 8080), Duration.ofMinutes(10));
                assertThat(reader.instances("orders")).hasSize(1);

                writer.close();

                assertThat(reader.instances("orders")).as("gone with the writer's session, not after its ttl")
                        .isEmpty();
            }
        }
    }

    @Test
    void sessionExpiredWhileServerAway_handleRegistersItsInstancesAgainInTheNewSession() throws Exception {
        // ticks of 200 ms: sessions of 400 ms to 4 s
        InstanceSpec spec = new InstanceSpec(null, -1, -1, -1, true, -1, 200, -1);
        try (TestingServer server = new TestingServer(spec, true)) {
            String uri = "zookeeper://" + server.getConnectString() + "/expiry?session-timeout=1s&connect-timeout=1s";
            try (ServiceRegistry writer = ZooKeeperServiceRegistry.open(uri)) {
                writer.register(instance("a", 8080), Duration.ofMinutes(10));

                server.stop();
                Thread.sleep(3_000); // past the session timeout: the server expires the session when it is back
                server.restart();

                try (ServiceRegistry reader = ZooKeeperServiceRegistry.open(uri)) {
                    await("registered again in the new session").atMost(Duration.ofSeconds(20))
                            .pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                            .until(() -> reader.instances("orders").size() == 1);
                    // and it is the new session's node: it stays past the old session's expiry
                    Thread.sleep(2_000);
                    assertThat(reader.instances("orders")).extracting(ServiceInstance::id).containsExactly("a");
                }
            }
        }
    }

    @Test
    void ensembleOfThree_oneServerKilled_losesNothingAndKeepsServing() throws Exception {
        try (TestingCluster cluster = new TestingCluster(3)) {
            cluster.start();
            String uri = "zookeeper://" + cluster.getConnectString() + "/ensemble?session-timeout=6s";
            try (ServiceRegistry writer = ZooKeeperServiceRegistry.open(uri);
                 ServiceRegistry reader = ZooKeeperServiceRegistry.open(uri);
                 Registration a = Registration.builder(writer, instance("a", 8080)).ttl(Duration.ofSeconds(6)).start();
                 Registration b = Registration.builder(writer, instance("b", 8081)).ttl(Duration.ofSeconds(6))
                         .start()) {
                await().atMost(Duration.ofSeconds(10)).until(() -> reader.instances("orders").size() == 2);
                List<ServiceInstance> before = reader.instances("orders");

                InstanceSpec killed = cluster.getInstances().iterator().next();
                assertThat(cluster.killServer(killed)).isTrue();

                long end = System.nanoTime() + Duration.ofSeconds(12).toNanos(); // two session timeouts
                while (System.nanoTime() < end) {
                    try {
                        assertThat(reader.instances("orders")).as("during the failover").isEqualTo(before);
                    } catch (dev.beacon.RegistryUnavailableException moving) {
                        // the reader's own connection may be moving to another server: a read may fail, none may lie
                    }
                    Thread.sleep(200);
                }
                writer.register(instance("c", 8082), Duration.ofSeconds(30));
                assertThat(reader.instances("orders")).extracting(ServiceInstance::id).containsExactly("a", "b", "c");
            }
        }
    }
}
