package dev.beacon.reliability;

import dev.beacon.registry.ServiceRegistry;
import dev.beacon.registry.redis.RedisServers;
import dev.beacon.registry.redis.RedisServiceRegistry;
import dev.beacon.registry.redis.SentinelSetup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The master of a Sentinel setup (master, replica, three sentinels) killed under the fleet and the clients: the
 * agents and clients follow the failover, and the registry lists exactly the fleet again.
 */
class SentinelFailoverIT {

    @RegisterExtension
    static RedisServers redis = new RedisServers();

    private static final Scale SCALE = Scale.current();
    private static final String SERVICE = "rel";
    /**
     * Longer than {@link Scale#TTL}: a lease must outlast the failover (about 1 s to detect the master down, 1-2 s
     * to elect and promote) plus the agents' backoff (up to one heartbeat) plus a timeout, or it expires meanwhile
     * and the instance drops out until its next heartbeat. With 3 s, 2 of 6 instances did so in a trial run.
     */
    private static final Duration TTL = Duration.ofSeconds(6);

    @Test
    void masterKilledUnderLoad_sentinelsFailOver_registryConvergesToTheFleet_clientsNeverFail() throws Exception {
        SentinelSetup setup = redis.sentinel("rel-master");
        String uri = setup.uri() + "timeout="
                + Scale.REDIS_TIMEOUT.toMillis() + "ms&connect-timeout=" + Scale.REDIS_TIMEOUT.toMillis() + "ms";
        Figures figures = new Figures("sentinel-failover", "Sentinel failover of the master under load");
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        long failoverMs;
        long convergedMs;
        List<Set<String>> held;
        int[] unreadable = {0};
        List<Clients.Counts> counts;
        try (Fleet fleet = Fleet.start(SCALE.apps(), SERVICE, uri, TTL);
             ServiceRegistry observer = RedisServiceRegistry.open(uri)) {
            Probe probe = new Probe(observer, SERVICE);
            probe.awaitExactly(fleet.ids(), Duration.ofSeconds(30));
            try (Clients clients = Clients.start(SCALE.clients(), uri, SERVICE, fleet.size(), Duration.ofSeconds(1))) {
                Thread.sleep(1_000);
                long killedAt = System.nanoTime();
                setup.killMaster();
                Thread watcher = new Thread(() -> {
                    // the apps keep serving while the sentinels elect a new master
                    int next = 0;
                    while (!Thread.currentThread().isInterrupted()) {
                        try {
                            latencies.add(fleet.get("app-" + (next++ % fleet.size())));
                            Thread.sleep(100);
                        } catch (InterruptedException e) {
                            return;
                        } catch (Exception e) {
                            latencies.add(Long.MAX_VALUE);
                        }
                    }
                }, "http-watcher");
                watcher.start();
                try {
                    setup.awaitFailover();
                    failoverMs = (System.nanoTime() - killedAt) / 1_000_000;
                    long convergedAfter = probe.awaitExactly(fleet.ids(), Duration.ofSeconds(30));
                    convergedMs = failoverMs + convergedAfter;
                    // longer than the ttl: a lease not renewed on the new master would expire here
                    held = probe.hold(fleet.ids(), TTL.plus(Duration.ofSeconds(1)), unreadable);
                } finally {
                    watcher.interrupt();
                    watcher.join(15_000);
                }
                counts = clients.finish();
            }
            figures.note(fleet.size() + " sample-app JVMs with the agent on `redis-sentinel://` (ttl "
                            + TTL.toMillis() + " ms, heartbeat " + Scale.HEARTBEAT.toMillis() + " ms, Redis "
                            + "timeouts " + Scale.REDIS_TIMEOUT.toMillis() + " ms), " + SCALE.clients() + " client "
                            + "JVMs choosing continuously; one master, one replica, three sentinels (quorum 2, "
                            + "down-after 1000 ms). The master is killed (SIGKILL).")
                    .row("master killed → all sentinels report the replica as master (ms)", failoverMs)
                    .row("master killed → registry (read through the sentinels) lists exactly the fleet (ms)",
                            convergedMs)
                    .row("new master known → exactly the fleet (ms; bound: heartbeat " + Scale.HEARTBEAT.toMillis()
                            + " + slack " + Scale.SLACK.toMillis() + ")", convergedMs - failoverMs)
                    .row("missing / ghost instances during ttl + 1 s after convergence",
                            held.get(1).size() + " / " + held.get(0).size())
                    .row("failed `choose()` calls / calls", Clients.sum(counts, Clients.Counts::failures) + " / "
                            + Clients.sum(counts, Clients.Counts::calls))
                    .row("app HTTP requests during the failover / failed, max latency (ms)", latencies.size()
                            + " / " + latencies.stream().filter(l -> l == Long.MAX_VALUE).count() + ", "
                            + latencies.stream().filter(l -> l != Long.MAX_VALUE).mapToLong(l -> l).max().orElse(-1))
                    .row("apps that died", fleet.dead().size())
                    .write();

            assertThat(fleet.dead()).isEmpty();
            assertThat(latencies).as("GET / latencies during the failover (MAX_VALUE: failed)").isNotEmpty()
                    .allSatisfy(l -> assertThat(l).isLessThan(Scale.SLACK.toMillis()));
            assertThat(convergedMs - failoverMs).as("ms from the new master known to exactly the fleet listed")
                    .isLessThanOrEqualTo(Scale.HEARTBEAT.plus(Scale.SLACK).toMillis());
            assertThat(held.get(0)).as("ghosts").isEmpty();
            assertThat(held.get(1)).as("missing").isEmpty();
            assertThat(unreadable[0]).as("unreadable moments after convergence").isZero();
            assertThat(Clients.sum(counts, Clients.Counts::failures)).as("failed choose() calls").isZero();
            counts.forEach(c -> assertThat(c.ids()).isEqualTo(fleet.ids()));
        }
    }
}
