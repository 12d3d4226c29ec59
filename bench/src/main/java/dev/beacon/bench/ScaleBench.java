package dev.beacon.bench;

import dev.beacon.ServiceInstance;
import dev.beacon.registry.Registries;
import dev.beacon.registry.ServiceRegistry;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Beacon's Redis registry at scale: 10,000 and 100,000 instances (100 per service) kept alive by simulated
 * registrants — threads of this JVM, each registering its share and then renewing it once per default heartbeat
 * (ttl 9 s / 3), one script call per renewal, as that many agents would. Reports the renewals per second achieved
 * against those needed, leases lost, Redis memory per instance, Redis's own CPU use, and the latency of reading a
 * 100-instance service while the load runs. Then the same load on a 3-master Redis Cluster, with keys and commands
 * per node. Prints a Markdown report. Run with {@code ./bench.sh scale [--quick]}.
 */
public final class ScaleBench {

    private static final Duration TTL = Duration.ofSeconds(9); // the agent's default (AgentConfigParser.DEFAULT_TTL)
    private static final Duration HEARTBEAT = Duration.ofMillis(TTL.toMillis() / 3);
    private static final int PER_SERVICE = 100;
    private static final int THREADS = 16;

    private record Load(int instances, double renewalsPerSecond, long lost, long slowestRoundMillis,
                        long memoryBytes, double redisCpu, Samples lookups, long shortReads, long registerMillis) {
    }

    private ScaleBench() {
    }

    public static void main(String[] args) throws Exception {
        boolean smoke = List.of(args).contains("--smoke"); // the CI check that the harness runs
        boolean quick = smoke || List.of(args).contains("--quick");
        int[] sizes = smoke ? new int[]{2_000} : quick ? new int[]{10_000} : new int[]{10_000, 100_000};
        int rounds = smoke ? 2 : quick ? 3 : 6;
        String loadBefore = Samples.loadAverage();
        StringBuilder r = new StringBuilder();
        r.append("### Scale: one Redis, many instances (")
                .append(smoke ? "smoke run" : quick ? "quick run" : "full run")
                .append(")\n\n");
        List<Load> loads = new ArrayList<>();
        String version = "?";
        for (int size : sizes) {
            try (RedisProcess redis = RedisProcess.start();
                 ServiceRegistry registry = Registries.open(redis.uri() + "?pool-max=" + THREADS)) {
                version = redis.info("server").getOrDefault("redis_version", "?");
                loads.add(load(registry, List.of(redis), size, rounds));
            }
        }
        r.append("Machine: ").append(Samples.machine()).append(" (").append(loadBefore).append(" at the start); "
                + "redis-server ").append(version).append(" on loopback, sharing the 2 cores with the registrants. "
                + "Each instance is registered with the default ttl ").append(TTL.toSeconds()).append(" s and renewed "
                + "every ").append(HEARTBEAT.toMillis()).append(" ms (the default heartbeat) by ").append(THREADS).append(" threads in one JVM standing in for the agents, for ")
                .append(rounds - 1).append(" heartbeats after the registration round; meanwhile another thread reads "
                        + "one 100-instance service every 10 ms. The renewal rate while renewing is the instance "
                        + "count divided by the mean time a round took (the registrants idle between rounds): "
                        + "above the needed rate, with no round slower than the heartbeat and no lease lost, the "
                        + "load is carried.\n\n");
        r.append("| instances | registering all | renewals/s needed | renewal rate while renewing | leases lost | "
                + "slowest round (limit " + String.format(Locale.ROOT, "%,d", HEARTBEAT.toMillis()) + " ms) | Redis memory per instance | Redis CPU (of one core) | read of 100 "
                + "instances under load, p50 / p99 | reads missing an instance |\n"
                + "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Load load : loads) {
            r.append(String.format(Locale.ROOT, "| %,d | %,d ms | %,.0f | %,.0f | %,d | %,d ms | %,d bytes | %.0f %% | "
                            + "%s / %s | %,d of %,d |%n", load.instances(), load.registerMillis(),
                    load.instances() / (HEARTBEAT.toMillis() / 1000.0),
                    load.renewalsPerSecond(), load.lost(), load.slowestRoundMillis(),
                    load.memoryBytes() / load.instances(), load.redisCpu() * 100,
                    Samples.format(load.lookups().percentile(50)), Samples.format(load.lookups().percentile(99)),
                    load.shortReads(), load.lookups().size()));
        }
        r.append("\nA round slower than the heartbeat means these registrants fell behind; a lost lease means an "
                + "instance expired although its registrant was alive. On this machine the registrants and Redis "
                + "share two cores, so the achieved rate is a floor for what Redis alone carries (see Redis's own CPU "
                + "use).\n\n");
        cluster(r, smoke ? 2 : quick ? 2 : 3, smoke ? 2_000 : 10_000);
        System.out.print(r);
    }

    /** Registers {@code size} instances (round 0), renews them for {@code rounds - 1} heartbeats, reads meanwhile. */
    private static Load load(ServiceRegistry registry, List<RedisProcess> nodes, int size, int rounds)
            throws Exception {
        long memoryBefore = usedMemory(nodes);
        AtomicLong renewed = new AtomicLong();
        AtomicLong lost = new AtomicLong();
        AtomicLong slowest = new AtomicLong();
        AtomicLong busyNanos = new AtomicLong(); // summed over threads and renewal rounds
        AtomicBoolean loading = new AtomicBoolean(true);
        AtomicLong shortReads = new AtomicLong();
        java.util.concurrent.CountDownLatch registered = new java.util.concurrent.CountDownLatch(THREADS);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS + 1);
        Samples lookups = new Samples();
        long[] memoryAfter = new long[1];
        double[] cpu = new double[2];
        try {
            long start = System.nanoTime();
            List<Future<?>> work = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                work.add(pool.submit(() -> {
                    for (int round = 0; round < rounds; round++) {
                        long roundStart = start + round * HEARTBEAT.toNanos();
                        long wait = roundStart - System.nanoTime();
                        if (wait > 0) {
                            TimeUnit.NANOSECONDS.sleep(wait);
                        }
                        long began = System.nanoTime();
                        for (int i = thread; i < size; i += THREADS) {
                            String service = "scale-" + (i / PER_SERVICE);
                            String id = "i-" + (i % PER_SERVICE);
                            if (round == 0) {
                                registry.register(instance(service, id, i), TTL);
                            } else if (registry.renew(service, id)) {
                                renewed.incrementAndGet();
                            } else {
                                lost.incrementAndGet();
                                registry.register(instance(service, id, i), TTL);
                            }
                        }
                        if (round == 0) {
                            registered.countDown();
                        } else {
                            long took = System.nanoTime() - began;
                            busyNanos.addAndGet(took);
                            slowest.accumulateAndGet(took / 1_000_000, Math::max);
                        }
                    }
                    return null;
                }));
            }
            // after the registration round: memory, then Redis CPU and lookups during the renewal rounds
            registered.await();
            long registerMillis = (System.nanoTime() - start) / 1_000_000;
            memoryAfter[0] = usedMemory(nodes);
            cpu[0] = redisCpuSeconds(nodes);
            long renewStart = System.nanoTime();
            Future<?> reader = pool.submit(() -> {
                while (loading.get()) {
                    long begin = System.nanoTime();
                    int found = registry.instances("scale-0").size();
                    lookups.add((System.nanoTime() - begin) / 1_000);
                    if (found != PER_SERVICE) {
                        shortReads.incrementAndGet(); // a lease of scale-0 lapsed: its renewal came too late
                    }
                    Thread.sleep(10);
                }
                return null;
            });
            for (Future<?> f : work) {
                f.get();
            }
            double seconds = (System.nanoTime() - renewStart) / 1e9;
            cpu[1] = redisCpuSeconds(nodes);
            loading.set(false);
            reader.get();
            // the rate the registrants renewed at while working: all renewals over the mean time a round took
            double meanRoundSeconds = busyNanos.get() / 1e9 / THREADS / (rounds - 1);
            return new Load(size, size / meanRoundSeconds, lost.get(), slowest.get(), memoryAfter[0] - memoryBefore,
                    (cpu[1] - cpu[0]) / seconds / nodes.size(), lookups, shortReads.get(), registerMillis);
        } finally {
            pool.shutdownNow();
        }
    }

    private static ServiceInstance instance(String service, String id, int i) {
        return ServiceInstance.builder(service).id(id).host("10." + (i / 62_500) + "." + (i / 250 % 250) + "."
                + (i % 250 + 1)).port(8080).metadata("version", "1.4").metadata("zone", "eu-" + (i % 3)).build();
    }

    private static long usedMemory(List<RedisProcess> nodes) throws Exception {
        long total = 0;
        for (RedisProcess node : nodes) {
            total += Long.parseLong(node.info("memory").get("used_memory"));
        }
        return total;
    }

    private static double redisCpuSeconds(List<RedisProcess> nodes) throws Exception {
        double total = 0;
        for (RedisProcess node : nodes) {
            Map<String, String> cpu = node.info("cpu");
            total += Double.parseDouble(cpu.get("used_cpu_user")) + Double.parseDouble(cpu.get("used_cpu_sys"));
        }
        return total;
    }

    /** {@code size} instances on a 3-master cluster: keys, commands and memory per node. */
    private static void cluster(StringBuilder r, int rounds, int size) throws Exception {
        List<RedisProcess> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                Path dir = Files.createTempDirectory("beacon-bench-cluster");
                nodes.add(RedisProcess.start("--cluster-enabled", "yes", "--cluster-config-file",
                        dir.resolve("nodes.conf").toString(), "--cluster-node-timeout", "5000"));
            }
            List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
            nodes.forEach(n -> create.add("127.0.0.1:" + n.port()));
            create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
            Process process = new ProcessBuilder(create).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("redis-cli --cluster create failed:\n" + output);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            for (RedisProcess node : nodes) {
                while (!node.command("CLUSTER", "INFO").contains("cluster_state:ok")) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("the cluster did not reach cluster_state:ok in 30 s");
                    }
                    Thread.sleep(100);
                }
            }
            StringBuilder uri = new StringBuilder("redis-cluster://");
            for (int i = 0; i < nodes.size(); i++) {
                uri.append(i == 0 ? "" : ",").append("127.0.0.1:").append(nodes.get(i).port());
            }
            long[] commandsBefore = new long[nodes.size()];
            for (int i = 0; i < nodes.size(); i++) {
                commandsBefore[i] = Long.parseLong(nodes.get(i).info("stats").get("total_commands_processed"));
            }
            Load load;
            try (ServiceRegistry registry = Registries.open(uri + "?pool-max=" + THREADS)) {
                load = load(registry, nodes, size, rounds);
            }
            r.append("**Redis Cluster, 3 masters** (").append(String.format(Locale.ROOT, "%,d", size))
                    .append(" instances in ").append(size / PER_SERVICE).append(" services, same load for ")
                    .append(rounds - 1).append(String.format(Locale.ROOT, " heartbeats): renewal rate while "
                            + "renewing %,.0f/s (%,.0f/s needed), %,d leases lost, slowest round %,d ms, Redis "
                            + "CPU %.0f %% of one core per node (mean), read of 100 instances p50 %s / p99 %s. A "
                            + "service's keys share its `{service}` hash tag, so services spread over the masters by "
                            + "slot:\n\n",
                            load.renewalsPerSecond(), size / (HEARTBEAT.toMillis() / 1000.0), load.lost(),
                            load.slowestRoundMillis(), load.redisCpu() * 100,
                            Samples.format(load.lookups().percentile(50)),
                            Samples.format(load.lookups().percentile(99))));
            r.append("| node | keys | commands processed during the run | used memory |\n|---|---:|---:|---:|\n");
            for (int i = 0; i < nodes.size(); i++) {
                RedisProcess node = nodes.get(i);
                String keys = node.command("DBSIZE").replace(":", "").trim();
                long commands = Long.parseLong(node.info("stats").get("total_commands_processed"))
                        - commandsBefore[i];
                r.append(String.format(Locale.ROOT, "| master %d (:%d) | %,d | %,d | %,.1f MB |%n", i + 1,
                        node.port(), Long.parseLong(keys), commands,
                        Long.parseLong(node.info("memory").get("used_memory")) / 1e6));
            }
        } finally {
            nodes.forEach(RedisProcess::close);
        }
    }
}
