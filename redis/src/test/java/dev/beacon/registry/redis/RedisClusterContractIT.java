package dev.beacon.registry.redis;

import dev.beacon.ServiceInstance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.HashSet;
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
}
