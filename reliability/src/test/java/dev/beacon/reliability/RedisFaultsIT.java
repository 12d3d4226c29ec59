package dev.beacon.reliability;

import dev.beacon.ServiceInstance;
import dev.beacon.registry.ServiceRegistry;
import dev.beacon.registry.redis.RedisServer;
import dev.beacon.registry.redis.RedisServers;
import dev.beacon.registry.redis.RedisServiceRegistry;
import dev.beacon.testing.JavaProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Faults of one standalone Redis under a fleet of sample-app JVMs with the agent ({@link Scale}: 6 in CI, 20 in the
 * long run) and client JVMs choosing continuously: Redis killed and restarted empty, a registrant frozen with
 * SIGSTOP past its TTL, Redis frozen in 2 s bursts (a Redis that answers slowly). The fleet is shared: each test
 * starts by checking that the registry lists exactly the fleet.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisFaultsIT {

    @RegisterExtension
    static RedisServers redis = new RedisServers();

    private static final Scale SCALE = Scale.current();
    private static final String SERVICE = "rel";
    /** The clients re-read every second (default 30 s), so a re-read right after Redis came back empty is likely. */
    private static final Duration CLIENT_REFRESH = Duration.ofSeconds(1);

    private static RedisServer server;
    private static String uri;
    private static Fleet fleet;
    private static ServiceRegistry observer;
    private static Probe probe;
    private static long fleetStartMs;

    @BeforeAll
    static void startFleet() throws Exception {
        server = redis.standalone();
        uri = server.uri() + "?timeout=" + Scale.REDIS_TIMEOUT.toMillis() + "ms&connect-timeout="
                + Scale.REDIS_TIMEOUT.toMillis() + "ms";
        long start = System.nanoTime();
        fleet = Fleet.start(SCALE.apps(), SERVICE, uri);
        observer = RedisServiceRegistry.open(uri);
        probe = new Probe(observer, SERVICE);
        probe.awaitExactly(fleet.ids(), Duration.ofSeconds(30));
        fleetStartMs = (System.nanoTime() - start) / 1_000_000;
    }

    @AfterAll
    static void stopFleet() {
        if (fleet != null) {
            fleet.close();
        }
        if (observer != null) {
            observer.close();
        }
    }

    @BeforeEach
    void fleetIsComplete() throws InterruptedException {
        if (!server.isRunning()) {
            server.restart();
        }
        probe.awaitExactly(fleet.ids(), Scale.TTL.plus(Scale.SLACK));
    }

    @Test
    @Order(1)
    void redisKilledThenRestartedEmpty_appsServe_clientsNeverFail_registryConvergesWithinOneHeartbeat()
            throws Exception {
        Figures figures = new Figures("redis-outage", "Redis killed for " + SCALE.outage().toSeconds()
                + " s, then restarted empty");
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        List<String> httpFailures = Collections.synchronizedList(new ArrayList<>());
        long convergedMs;
        List<Set<String>> held;
        int[] unreadable = {0};
        long clientCallsDuringOutage;
        List<Clients.Counts> counts;
        long staleInstances;
        try (Clients clients = Clients.start(SCALE.clients(), uri, SERVICE, fleet.size(), CLIENT_REFRESH)) {
            Thread.sleep(1_000);
            server.kill();
            long callsAtKill = Clients.sum(clients.current(), Clients.Counts::calls);
            long downSince = System.nanoTime();
            int next = 0;
            while (System.nanoTime() - downSince < SCALE.outage().toNanos()) {
                String id = "app-" + (next++ % fleet.size());
                try {
                    latencies.add(fleet.get(id));
                } catch (Exception e) {
                    httpFailures.add(id + ": " + e);
                }
                Thread.sleep(100);
            }
            Thread.sleep(600); // a last stats line from every client, all taken while Redis is down
            clientCallsDuringOutage = Clients.sum(clients.current(), Clients.Counts::calls) - callsAtKill;
            server.restart(); // empty: it keeps nothing on disk
            convergedMs = probe.awaitExactly(fleet.ids(), Scale.HEARTBEAT.plus(Scale.SLACK).multipliedBy(3));
            held = probe.hold(fleet.ids(), Duration.ofSeconds(3), unreadable);
            staleInstances = observer.instances(SERVICE).stream()
                    .filter(i -> !i.metadata().entrySet().containsAll(fleet.metadata(i.id()).entrySet())).count();
            Thread.sleep(1_500); // the clients' refresh after the restart
            counts = clients.finish();
        }
        figures.note(fleet.size() + " sample-app JVMs with the agent (ttl " + Scale.TTL.toMillis() + " ms, heartbeat "
                + Scale.HEARTBEAT.toMillis() + " ms, Redis timeouts " + Scale.REDIS_TIMEOUT.toMillis() + " ms), "
                + SCALE.clients() + " client JVMs calling `choose()` continuously (re-read every "
                + CLIENT_REFRESH.toMillis() + " ms besides watch events). Redis is killed (SIGKILL), each app is "
                + "asked `GET /` in turn every 100 ms during the outage, then Redis is restarted empty (no "
                + "persistence) on the same port.")
                .row("fleet started and registered (ms)", fleetStartMs)
                .row("apps that died", fleet.dead().size())
                .row("app HTTP requests during the outage / failed", latencies.size() + " / " + httpFailures.size())
                .row("app HTTP latency during the outage p50 / p99 / max (ms)", Figures.percentile(latencies, 50)
                        + " / " + Figures.percentile(latencies, 99) + " / " + Figures.percentile(latencies, 100))
                .row("client `choose()` calls in total / during the outage", Clients.sum(counts, Clients.Counts::calls)
                        + " / " + clientCallsDuringOutage)
                .row("failed `choose()` calls", Clients.sum(counts, Clients.Counts::failures))
                .row("longest 10 `choose()` calls (ms)", Clients.max(counts, Clients.Counts::maxBatchMs))
                .row("Redis back → registry lists exactly the " + fleet.size() + " apps (ms; bound: heartbeat "
                        + Scale.HEARTBEAT.toMillis() + " + slack " + Scale.SLACK.toMillis() + ")", convergedMs)
                .row("missing / ghost instances in the 3 s after convergence (reads every 100 ms)",
                        held.get(1).size() + " / " + held.get(0).size())
                .row("instances re-registered with other metadata than their app's", staleInstances)
                .write();

        assertThat(fleet.dead()).as("apps that died").isEmpty();
        assertThat(httpFailures).as("apps answering GET / while Redis is down").isEmpty();
        assertThat(Figures.percentile(latencies, 100)).as("slowest GET / while Redis is down (ms)")
                .isLessThan(Scale.SLACK.toMillis());
        assertThat(clientCallsDuringOutage).as("choose() calls while Redis is down").isPositive();
        assertThat(Clients.sum(counts, Clients.Counts::failures)).as("failed choose() calls").isZero();
        counts.forEach(c -> assertThat(c.ids()).as("instances chosen by a client").isEqualTo(fleet.ids()));
        assertThat(convergedMs).as("ms from Redis back to exactly the fleet listed")
                .isLessThanOrEqualTo(Scale.HEARTBEAT.plus(Scale.SLACK).toMillis());
        assertThat(held.get(0)).as("ghosts after convergence").isEmpty();
        assertThat(held.get(1)).as("missing after convergence").isEmpty();
        assertThat(unreadable[0]).as("unreadable moments after convergence").isZero();
        assertThat(staleInstances).isZero();
        assertThat(fleet.agentLines("reachable again")).as("agents that logged Redis being back")
                .isGreaterThanOrEqualTo(fleet.size());
    }

    @Test
    @Order(2)
    void registrantFrozenLongerThanTtl_expires_thenComesBackWithItsMetadata() throws Exception {
        Figures figures = new Figures("sigstop", "A registrant frozen (SIGSTOP) longer than its TTL, then SIGCONT");
        String id = "app-0";
        JavaProcess app = fleet.app(0);
        ServiceInstance before = find(id).orElseThrow();
        Set<String> others = new java.util.TreeSet<>(fleet.ids());
        others.remove(id);
        Duration frozenFor = Scale.TTL.plus(Duration.ofSeconds(2));

        Signals.stop(app.pid());
        long stoppedAt = System.nanoTime();
        long expiredMs;
        try {
            expiredMs = probe.awaitExactly(others, Scale.TTL.plus(Scale.SLACK));
            Thread.sleep(Math.max(0, frozenFor.toMillis() - (System.nanoTime() - stoppedAt) / 1_000_000));
        } finally {
            Signals.resume(app.pid());
        }
        long frozenMs = (System.nanoTime() - stoppedAt) / 1_000_000;
        long backMs = probe.awaitListing(id, Scale.HEARTBEAT.plus(Scale.SLACK).multipliedBy(3),
                listed -> Probe.ids(listed).contains(id));
        ServiceInstance after = find(id).orElseThrow();
        long httpMs = fleet.get(id);
        int[] unreadable = {0};
        List<Set<String>> held = probe.hold(fleet.ids(), Duration.ofSeconds(2), unreadable);

        figures.note("App `" + id + "` of the fleet (ttl " + Scale.TTL.toMillis() + " ms, heartbeat "
                        + Scale.HEARTBEAT.toMillis() + " ms) is frozen with SIGSTOP for " + frozenFor.toMillis()
                        + " ms, then continued with SIGCONT; the others keep running.")
                .row("SIGSTOP → gone from the registry (ms; bound: ttl " + Scale.TTL.toMillis() + " + slack "
                        + Scale.SLACK.toMillis() + ")", expiredMs)
                .row("frozen for (ms)", frozenMs)
                .row("SIGCONT → registered again (ms; bound: heartbeat " + Scale.HEARTBEAT.toMillis() + " + slack "
                        + Scale.SLACK.toMillis() + ")", backMs)
                .row("registered again with the same address, ports, status and metadata", after.equals(before))
                .row("missing / ghost instances in the 2 s after", held.get(1).size() + " / " + held.get(0).size())
                .write();

        assertThat(expiredMs).isLessThanOrEqualTo(Scale.TTL.plus(Scale.SLACK).toMillis());
        assertThat(backMs).as("ms from SIGCONT to registered again")
                .isLessThanOrEqualTo(Scale.HEARTBEAT.plus(Scale.SLACK).toMillis());
        assertThat(after).as("the registration after SIGCONT").isEqualTo(before);
        assertThat(after.metadata()).containsAllEntriesOf(fleet.metadata(id));
        assertThat(httpMs).isNotNegative();
        assertThat(held.get(0)).isEmpty();
        assertThat(held.get(1)).isEmpty();
        assertThat(app.stderr()).as(app.describe()).anyMatch(l -> l.contains("lease of " + id + " was lost"));
    }

    @Test
    @Order(3)
    void redisAnsweringSlowly_heartbeatsTimeOutAndBackOff_appsAreNotSlowed() throws Exception {
        Duration freeze = Duration.ofSeconds(2);
        Figures figures = new Figures("slow-redis", "A Redis that answers slowly");
        long redisPid = Signals.pidOf(server);
        long unavailableBefore = fleet.agentLines("is unavailable");
        int[] stderrBefore = new int[fleet.size()];
        for (int i = 0; i < fleet.size(); i++) {
            stderrBefore[i] = fleet.app(i).stderr().size();
        }
        List<Long> baseline = measureLatencies(Duration.ofSeconds(3));
        List<Clients.Counts> counts;
        List<Long> slow;
        long recoveredMs;
        try (Clients clients = Clients.start(SCALE.clients(), uri, SERVICE, fleet.size(), CLIENT_REFRESH)) {
            AtomicBoolean done = new AtomicBoolean();
            Thread freezer = new Thread(() -> {
                try {
                    while (!done.get()) {
                        Signals.stop(redisPid);
                        Thread.sleep(freeze.toMillis());
                        Signals.resume(redisPid);
                        Thread.sleep(100);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                } finally {
                    try {
                        Signals.resume(redisPid);
                    } catch (Exception ignored) {
                        // reported by the convergence check below
                    }
                }
            }, "freezer");
            freezer.start();
            try {
                slow = measureLatencies(SCALE.slowFor());
            } finally {
                done.set(true);
                freezer.join(10_000);
            }
            recoveredMs = probe.awaitExactly(fleet.ids(), Scale.HEARTBEAT.plus(Scale.SLACK).multipliedBy(3));
            awaitAgentsRecovered(stderrBefore, Scale.HEARTBEAT.plus(Scale.SLACK).multipliedBy(2));
            counts = clients.finish();
        }
        long warnings = fleet.agentLines("is unavailable") - unavailableBefore;
        List<Long> attempts = failedAttempts(stderrBefore);

        figures.note("The Redis process under the fleet is frozen (SIGSTOP) for " + freeze.toMillis() + " ms, "
                        + "continued for 100 ms, frozen again, for " + SCALE.slowFor().toSeconds() + " s: connections "
                        + "stay open and every command waits up to " + freeze.toMillis() + " ms, as with `DEBUG "
                        + "SLEEP` (not enabled in the test servers) but without burning a core. The agents' Redis "
                        + "timeout is " + Scale.REDIS_TIMEOUT.toMillis() + " ms. Each app is asked `GET /` in turn "
                        + "every 100 ms, before (3 s) and during.")
                .row("app HTTP latency before: requests, p50 / p99 / max (ms)", baseline.size() + ", "
                        + Figures.percentile(baseline, 50) + " / " + Figures.percentile(baseline, 99) + " / "
                        + Figures.percentile(baseline, 100))
                .row("app HTTP latency while Redis is slow: requests, p50 / p99 / max (ms)", slow.size() + ", "
                        + Figures.percentile(slow, 50) + " / " + Figures.percentile(slow, 99) + " / "
                        + Figures.percentile(slow, 100))
                .row("agents' warnings \"registry … is unavailable\" (heartbeats that timed out), all apps",
                        warnings)
                .row("failed registry attempts per app during the slow period, min / max (summed from \"reachable "
                        + "again after N failed attempts\")", attempts.stream().mapToLong(x -> x).min().orElse(-1) + " / "
                        + attempts.stream().mapToLong(x -> x).max().orElse(-1))
                .row("failed `choose()` calls / calls", Clients.sum(counts, Clients.Counts::failures) + " / "
                        + Clients.sum(counts, Clients.Counts::calls))
                .row("Redis fast again → registry lists exactly the fleet (ms)", recoveredMs)
                .row("apps that died", fleet.dead().size())
                .write();

        assertThat(fleet.dead()).isEmpty();
        assertThat(Figures.percentile(slow, 99)).as("p99 of GET / while Redis is slow (ms); Redis delays "
                + freeze.toMillis() + " ms").isLessThan(freeze.toMillis() / 2);
        assertThat(warnings).as("agents warning that a heartbeat failed").isGreaterThanOrEqualTo(fleet.size());
        // backing off, capped at the heartbeat: at most about one attempt per heartbeat plus the first few fast ones
        long maxAttempts = SCALE.slowFor().toMillis() / Scale.HEARTBEAT.toMillis() + 4;
        assertThat(attempts).as("failed attempts per app").hasSize(fleet.size())
                .allSatisfy(n -> assertThat(n).isBetween(1L, maxAttempts));
        assertThat(Clients.sum(counts, Clients.Counts::failures)).as("failed choose() calls").isZero();
    }

    /** GET / to each app in turn every 100 ms for {@code period}; the latencies in ms (a failure fails the test). */
    private static List<Long> measureLatencies(Duration period) throws Exception {
        List<Long> latencies = new ArrayList<>();
        long start = System.nanoTime();
        int next = 0;
        while (System.nanoTime() - start < period.toNanos()) {
            latencies.add(fleet.get("app-" + (next++ % fleet.size())));
            Thread.sleep(100);
        }
        return latencies;
    }

    /**
     * Waits until every app that warned of an unavailable registry since its {@code from[i]}-th stderr line has
     * logged that it is reachable again after its last warning.
     */
    private static void awaitAgentsRecovered(int[] from, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<String> pending = new ArrayList<>();
            for (int i = 0; i < fleet.size(); i++) {
                List<String> stderr = List.copyOf(fleet.app(i).stderr());
                int lastWarning = -1;
                int lastBack = -1;
                for (int line = from[i]; line < stderr.size(); line++) {
                    if (stderr.get(line).contains("is unavailable")) {
                        lastWarning = line;
                    } else if (stderr.get(line).contains("reachable again")) {
                        lastBack = line;
                    }
                }
                if (lastWarning > lastBack) {
                    pending.add("app-" + i);
                }
            }
            if (pending.isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("agents still without \"reachable again\" after their last warning "
                        + timeout + " after Redis is fast again: " + pending);
            }
            Thread.sleep(100);
        }
    }

    /**
     * Per app that reported any, the failed attempts it reported in its "reachable again after N failed attempts"
     * lines after its {@code from[i]}-th stderr line, summed.
     */
    private static List<Long> failedAttempts(int[] from) {
        Pattern pattern = Pattern.compile("reachable again after (\\d+) failed attempts");
        List<Long> attempts = new ArrayList<>();
        for (int i = 0; i < fleet.size(); i++) {
            List<String> stderr = List.copyOf(fleet.app(i).stderr());
            long sum = -1;
            for (String line : stderr.subList(from[i], stderr.size())) {
                Matcher m = pattern.matcher(line);
                if (m.find()) {
                    sum = Math.max(sum, 0) + Long.parseLong(m.group(1));
                }
            }
            if (sum >= 0) {
                attempts.add(sum);
            }
        }
        return attempts;
    }

    private static Optional<ServiceInstance> find(String id) {
        return probe.read().orElse(List.of()).stream().filter(i -> i.id().equals(id)).findFirst();
    }
}
