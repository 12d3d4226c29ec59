package dev.beacon.registry.redis;

import dev.beacon.ServiceInstance;
import dev.beacon.registry.ServiceRegistry;
import dev.beacon.testing.Stderr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The registry contract on a 3-master Redis Cluster; one service's keys share a slot, services spread. */
class RedisClusterContractIT extends RedisContract {

    @RegisterExtension
    static RedisServers redis = new RedisServers();

    private static ClusterSetup cluster;

    @Override
    protected String baseUri() {
        if (cluster == null) {
            cluster = redis.cluster();
        }
        return "redis-cluster://" + cluster.addresses().stream().map(Object::toString)
                .collect(Collectors.joining(",")) + "?";
    }

    @Test
    void register_manyServices_spreadOverNodesWithEachServiceInOneSlot() {
        Set<Integer> nodes = new HashSet<>();
        String prefix = prefix();
        for (int i = 0; i < 30; i++) {
            String service = "svc-" + i;
            registry.register(ServiceInstance.builder(service).id("a").host("10.0.0.1").port(80).build(),
                    Duration.ofMinutes(1));
            RedisServer instancesNode = cluster.nodeForKey(prefix + ":{" + service + "}:i");
            RedisServer leasesNode = cluster.nodeForKey(prefix + ":{" + service + "}:l");
            assertThat(leasesNode.port()).isEqualTo(instancesNode.port());
            assertThat(instancesNode.command("HLEN", prefix + ":{" + service + "}:i")).contains("1");
            nodes.add(instancesNode.port());
        }
        assertThat(nodes).hasSize(3);
        assertThat(registry.services()).hasSize(30);
    }

    /**
     * Bug: a handle that had not registered an instance renewed it as if its ttl were one minute, nominating its
     * service in the services index for three minutes only: with a longer lease, services() left out a live service
     * once the registering handle's nomination had lapsed.
     */
    @Test
    void renew_throughHandleThatDidNotRegister_indexKeepsTheServiceUntilItsLeaseEnds() {
        String prefix = prefix();
        registry.register(instance("orders", "a"), Duration.ofHours(1));
        RedisServer indexNode = cluster.nodeForKey(prefix + ":services");
        indexNode.command("ZADD", prefix + ":services", "0", "orders"); // the registration's nomination has lapsed
        ServiceRegistry other = secondHandle();

        assertThat(other.renew("orders", "a")).isTrue();

        String leases = prefix + ":{orders}:l";
        double deadline = Double.parseDouble(cluster.nodeForKey(leases).command("ZSCORE", leases, "a").trim());
        double nominatedUntil = Double.parseDouble(indexNode.command("ZSCORE", prefix + ":services", "orders").trim());
        assertThat(nominatedUntil).as("index entry vs lease deadline").isGreaterThanOrEqualTo(deadline);
        assertThat(other.services()).containsExactly("orders");
    }

    /**
     * Bug: services() read the replies of its live-lease check unchecked: one service whose leases key held another
     * type made it throw Jedis' own exception (not even RegistryUnavailableException) instead of skipping that one.
     */
    @Test
    void services_leasesKeyOfWrongType_skipsThatServiceWithOneWarning() throws Exception {
        String prefix = prefix();
        registry.register(instance("orders", "a"), Duration.ofMinutes(1));
        registry.register(instance("payments", "p"), Duration.ofMinutes(1));
        String leases = prefix + ":{payments}:l";
        RedisServer node = cluster.nodeForKey(leases);
        node.command("DEL", leases);
        node.command("SET", leases, "not a sorted set");

        List<String> logged = Stderr.linesDuring(() -> {
            for (int round = 0; round < 3; round++) {
                assertThat(registry.services()).containsExactly("orders");
            }
        });

        assertThat(logged).hasSize(1).allMatch(l -> l.contains("WARN") && l.contains("payments"));
    }
}
