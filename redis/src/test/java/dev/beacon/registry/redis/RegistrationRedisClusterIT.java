package dev.beacon.registry.redis;

import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.stream.Collectors;

/**
 * The registration contract on a 3-master Redis Cluster without replicas: the outage is the master that serves the
 * test's service killed with SIGKILL, then started again empty (it keeps its slots: nodes.conf survives).
 */
class RegistrationRedisClusterIT extends RegistrationRedisContract {

    @RegisterExtension
    static RedisServers redis = new RedisServers();

    private static ClusterSetup cluster;
    private RedisServer killed;

    @Override
    protected String baseUri() {
        if (cluster == null) {
            cluster = redis.cluster();
        }
        return "redis-cluster://" + cluster.addresses().stream().map(Object::toString)
                .collect(Collectors.joining(",")) + "?timeout=500ms&";
    }

    /** The Cluster client retries a failing call for up to three timeouts. */
    @Override
    protected Duration failingCall() {
        return Duration.ofMillis(1_500);
    }

    @Override
    protected void breakRegistry() {
        killed = cluster.nodeForKey(prefix() + ":{orders}:i");
        killed.kill();
    }

    @Override
    protected void restoreRegistry() {
        killed.restart();
        for (RedisServer node : cluster.nodes()) {
            Await.until(node + " reports cluster_state:ok again", Duration.ofSeconds(30),
                    () -> node.command("CLUSTER", "INFO"), info -> info.contains("cluster_state:ok"));
        }
    }
}
