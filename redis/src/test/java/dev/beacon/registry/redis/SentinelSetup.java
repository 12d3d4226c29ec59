package dev.beacon.registry.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A master, one replica and three sentinels (quorum 2) from {@link RedisServers#sentinel(String)}. {@link #master()}
 * and {@link #replica()} follow failovers this class waited for ({@link #failover()}, {@link #awaitFailover()}).
 * Thread-safe.
 */
public final class SentinelSetup implements AutoCloseable {

    private static final Duration SETUP_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration FAILOVER_TIMEOUT = Duration.ofSeconds(30);

    private final String masterName;
    private final List<RedisServer> sentinels;
    private RedisServer master; // guarded by this
    private RedisServer replica; // guarded by this

    private SentinelSetup(String masterName, RedisServer master, RedisServer replica, List<RedisServer> sentinels) {
        this.masterName = masterName;
        this.master = master;
        this.replica = replica;
        this.sentinels = List.copyOf(sentinels);
    }

    static SentinelSetup start(RedisServers servers, String masterName) {
        RedisServer master = servers.launch("sentinel-master",
                (port, dir) -> servers.plainServer("sentinel-master", port, dir, List.of("port " + port)));
        RedisServer replica = servers.launch("sentinel-replica",
                (port, dir) -> servers.plainServer("sentinel-replica", port, dir, List.of("port " + port,
                        "replicaof " + master.host() + " " + master.port())));
        // sentinels find replicas through the master's INFO: let the replica attach first
        Await.until(replica + " is in sync with " + master, SETUP_TIMEOUT,
                () -> replica.info("replication", "master_link_status"), "up"::equals);
        List<RedisServer> sentinels = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            String name = "sentinel-" + i;
            sentinels.add(servers.launch(name, (port, dir) -> new RedisServer(servers.spec(name, port, dir, List.of(
                    "port " + port,
                    "sentinel monitor " + masterName + " " + master.host() + " " + master.port() + " 2",
                    "sentinel down-after-milliseconds " + masterName + " 1000",
                    "sentinel failover-timeout " + masterName + " 5000",
                    "sentinel parallel-syncs " + masterName + " 1"),
                    true, Optional.empty(), Optional.empty()))));
        }
        for (RedisServer sentinel : sentinels) {
            // hello messages every 2 s make the sentinels known to each other
            Await.until(sentinel + " knows the replica and the other two sentinels", SETUP_TIMEOUT,
                    () -> fields(sentinel.command("SENTINEL", "MASTER", masterName)),
                    state -> "1".equals(state.get("num-slaves")) && "2".equals(state.get("num-other-sentinels")));
        }
        return new SentinelSetup(masterName, master, replica, sentinels);
    }

    /** The name the sentinels monitor the master as. */
    public String masterName() {
        return masterName;
    }

    /** The three sentinels' addresses, for a client's sentinel list. */
    public List<Address> sentinels() {
        return sentinels.stream().map(RedisServer::address).toList();
    }

    /** The three sentinel processes, to stop or kill one. */
    /** {@code redis-sentinel://s1,s2,s3/<master>?}: the registry URI of this setup, ready for options. */
    public String uri() {
        return "redis-sentinel://" + sentinels().stream().map(Object::toString)
                .collect(java.util.stream.Collectors.joining(",")) + "/" + masterName() + "?";
    }

    public List<RedisServer> sentinelServers() {
        return sentinels;
    }

    /** The master as of the last failover this class waited for; at first, the original master. */
    public synchronized RedisServer master() {
        return master;
    }

    /** The other data node: the replica, or after a failover the former master (not running after {@link #killMaster()}). */
    public synchronized RedisServer replica() {
        return replica;
    }

    /**
     * Asks a sentinel for a failover ({@code SENTINEL FAILOVER}) and waits until all three report the replica as
     * the master and it says {@code role:master}. The former master, still running, is turned into its replica by
     * the sentinels shortly after.
     *
     * @return the new master
     * @throws IllegalStateException if that takes longer than 30 s
     */
    public synchronized RedisServer failover() {
        long deadline = System.nanoTime() + FAILOVER_TIMEOUT.toNanos();
        while (true) {
            try {
                sentinels.get(0).command("SENTINEL", "FAILOVER", masterName);
                break;
            } catch (RedisCommandException e) {
                // NOGOODSLAVE while the sentinel has not yet seen the replica answer its pings
                if (!e.code().equals("NOGOODSLAVE") || System.nanoTime() - deadline > 0) {
                    throw e;
                }
                Await.sleep(Duration.ofMillis(200));
            }
        }
        return awaitFailover();
    }

    /** Kills the current master with SIGKILL; {@link #awaitFailover()} then waits for the sentinels to react. */
    public synchronized void killMaster() {
        master.kill();
    }

    /**
     * Waits until all three sentinels report the current {@link #replica()} as the master and it says
     * {@code role:master}, then swaps {@link #master()} and {@link #replica()}.
     *
     * @return the new master
     * @throws IllegalStateException if that takes longer than 30 s
     */
    public synchronized RedisServer awaitFailover() {
        RedisServer promoted = replica;
        String expected = promoted.host() + "\n" + promoted.port();
        for (RedisServer sentinel : sentinels) {
            Await.until(sentinel + " reports " + promoted + " as master", FAILOVER_TIMEOUT,
                    () -> sentinel.command("SENTINEL", "GET-MASTER-ADDR-BY-NAME", masterName), expected::equals);
        }
        Await.until(promoted + " says it is master", FAILOVER_TIMEOUT,
                () -> promoted.info("replication", "role"), "master"::equals);
        replica = master;
        master = promoted;
        return promoted;
    }

    /** Kills all five processes now rather than after the class; idempotent. */
    @Override
    public synchronized void close() {
        sentinels.forEach(RedisServer::kill);
        master.kill();
        replica.kill();
    }

    @Override
    public synchronized String toString() {
        return "sentinel setup '" + masterName + "': master " + master + ", replica " + replica + ", sentinels "
                + sentinels();
    }

    /** A flattened key/value array reply ({@code SENTINEL MASTER}) as a map. */
    private static Map<String, String> fields(String reply) {
        List<String> lines = reply.lines().toList();
        Map<String, String> fields = new HashMap<>();
        for (int i = 0; i + 1 < lines.size(); i += 2) {
            fields.put(lines.get(i), lines.get(i + 1));
        }
        return fields;
    }
}
