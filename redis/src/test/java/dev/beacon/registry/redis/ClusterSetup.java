package dev.beacon.registry.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Three Redis Cluster masters from {@link RedisServers#cluster()}, sharing the 16384 slots, without replicas.
 * Thread-safe.
 */
public final class ClusterSetup implements AutoCloseable {

    private static final Duration CREATE_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STATE_TIMEOUT = Duration.ofSeconds(30);

    private final List<RedisServer> nodes;

    private ClusterSetup(List<RedisServer> nodes) {
        this.nodes = List.copyOf(nodes);
    }

    static ClusterSetup start(RedisServers servers) {
        List<RedisServer> nodes = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            String name = "cluster-" + i;
            nodes.add(servers.launch(name, (port, dir) -> servers.plainServer(name, port, dir, List.of(
                    "port " + port,
                    // the bus port is chosen too: port + 10000 may be taken, or above 65535
                    "cluster-port " + servers.freePort(),
                    "cluster-enabled yes",
                    "cluster-config-file nodes.conf",
                    "cluster-node-timeout 5000"))));
        }
        List<String> create = new ArrayList<>(List.of(servers.binaries().redisCli(), "--cluster", "create"));
        nodes.forEach(node -> create.add(node.address().toString()));
        create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
        Subprocess.run(servers.newDirectory("cluster-create"), CREATE_TIMEOUT, create);
        for (RedisServer node : nodes) {
            Await.until(node + " reports cluster_state:ok with 3 known nodes", STATE_TIMEOUT,
                    () -> node.command("CLUSTER", "INFO"),
                    info -> info.contains("cluster_state:ok") && info.contains("cluster_known_nodes:3"));
        }
        return new ClusterSetup(nodes);
    }

    /** The three nodes, in the order given to {@code redis-cli --cluster create}. */
    public List<RedisServer> nodes() {
        return nodes;
    }

    /** The nodes' addresses, for a cluster client's seed list. */
    public List<Address> addresses() {
        return nodes.stream().map(RedisServer::address).toList();
    }

    /**
     * The node that serves {@code key}'s slot now, as the first running node's {@code CLUSTER NODES} says.
     *
     * @throws IllegalStateException if no running node knows an owner for the slot
     */
    public RedisServer nodeForKey(String key) {
        RedisServer asked = nodes.stream().filter(RedisServer::isRunning).findFirst()
                .orElseThrow(() -> new IllegalStateException("no node of the cluster is running"));
        int slot = Integer.parseInt(asked.command("CLUSTER", "KEYSLOT", key));
        for (String line : asked.command("CLUSTER", "NODES").split("\n")) {
            // <id> <ip:port@cport> <flags> <master> <ping-sent> <pong-recv> <epoch> <link-state> <slot>...
            String[] fields = line.strip().split(" ");
            for (int i = 8; i < fields.length; i++) {
                if (owns(fields[i], slot)) {
                    int port = Integer.parseInt(fields[1].substring(fields[1].lastIndexOf(':') + 1,
                            fields[1].indexOf('@')));
                    return nodes.stream().filter(node -> node.port() == port).findFirst()
                            .orElseThrow(() -> new IllegalStateException("slot " + slot + " of '" + key
                                    + "' is served by " + fields[1] + ", which is not one of " + addresses()));
                }
            }
        }
        throw new IllegalStateException("no node serves slot " + slot + " of '" + key + "' according to " + asked);
    }

    /** Kills the three nodes now rather than after the class; idempotent. */
    @Override
    public void close() {
        nodes.forEach(RedisServer::kill);
    }

    @Override
    public String toString() {
        return "cluster " + addresses();
    }

    /** Whether a CLUSTER NODES slot field ({@code 5461}, {@code 0-5460}; not {@code [..->-..]}) covers slot. */
    private static boolean owns(String range, int slot) {
        if (range.startsWith("[")) {
            return false;
        }
        int dash = range.indexOf('-');
        if (dash < 0) {
            return Integer.parseInt(range) == slot;
        }
        return Integer.parseInt(range.substring(0, dash)) <= slot && slot <= Integer.parseInt(range.substring(dash + 1));
    }
}
