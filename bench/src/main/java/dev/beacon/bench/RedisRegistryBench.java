package dev.beacon.bench;

import dev.beacon.ServiceInstance;
import dev.beacon.registry.redis.RedisServiceRegistry;
import redis.clients.jedis.RedisClient;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The Redis registry's read and renewal costs, measured against a real redis-server started for the run:
 * <ul>
 *   <li>reading one service of 1, 100, 1,000 and 10,000 instances: round trips per read (from the server's
 *       {@code total_reads_processed}) and latency, next to the seed's read pattern (one round trip per instance);</li>
 *   <li>renewal throughput of 10,000 instances from 8 threads;</li>
 *   <li>Redis memory per registered instance ({@code INFO memory}).</li>
 * </ul>
 * Prints a Markdown report. Run with {@code ./bench.sh redis} (add {@code --quick} for a short run).
 */
public final class RedisRegistryBench {

    /** The agent's default ttl (AgentConfigParser.DEFAULT_TTL); its heartbeat is a third of it. */
    private static final int DEFAULT_TTL_SECONDS = 9;

    private RedisRegistryBench() {
    }

    public static void main(String[] args) throws Exception {
        boolean quick = List.of(args).contains("--quick");
        int[] sizes = quick ? new int[]{1, 100, 1_000} : new int[]{1, 100, 1_000, 10_000};
        StringBuilder report = new StringBuilder();
        report.append("### Redis registry (").append(quick ? "quick run" : "full run").append(")\n\n");
        report.append("Machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores, Java ")
                .append(System.getProperty("java.version")).append(", redis-server on loopback.\n\n");
        java.util.List<double[]> beaconPoints = new ArrayList<>();
        java.util.List<double[]> seedPoints = new ArrayList<>();
        try (RedisProcess redis = RedisProcess.start();
             RedisServiceRegistry registry = RedisServiceRegistry.open(redis.uri() + "?pool-max=16");
             RedisClient raw = RedisClient.create("127.0.0.1", redis.port())) {
            report.append("| instances | round trips per read | read p50 | read p99 | seed pattern: round trips | "
                    + "seed pattern p50 | ratio (seed/Beacon p50) |\n|---:|---:|---:|---:|---:|---:|---:|\n");
            for (int size : sizes) {
                String service = "bench-" + size;
                register(registry, service, size, Duration.ofMinutes(10));
                int reads = size >= 10_000 ? 50 : size >= 1_000 ? 200 : 1_000;
                for (int i = 0; i < Math.min(reads, 50); i++) {
                    check(registry.instances(service).size(), size);
                }
                long before = reads(redis);
                List<Long> beacon = new ArrayList<>();
                for (int i = 0; i < reads; i++) {
                    long start = System.nanoTime();
                    check(registry.instances(service).size(), size);
                    beacon.add(System.nanoTime() - start);
                }
                double roundTrips = (reads(redis) - before - 1) / (double) reads;
                int seedReads = Math.max(5, reads / (size >= 1_000 ? 10 : 1));
                long seedBefore = reads(redis);
                List<Long> seed = new ArrayList<>();
                for (int i = 0; i < seedReads; i++) {
                    long start = System.nanoTime();
                    check(seedPatternRead(raw, service), size);
                    seed.add(System.nanoTime() - start);
                }
                double seedRoundTrips = (reads(redis) - seedBefore - 1) / (double) seedReads;
                beaconPoints.add(new double[]{size, percentile(beacon, 50) / 1e6});
                seedPoints.add(new double[]{size, percentile(seed, 50) / 1e6});
                report.append(String.format(Locale.ROOT, "| %,d | %.2f | %s | %s | %.0f | %s | %.1f× |%n", size,
                        roundTrips, micros(percentile(beacon, 50)), micros(percentile(beacon, 99)), seedRoundTrips,
                        micros(percentile(seed, 50)), percentile(seed, 50) / (double) percentile(beacon, 50)));
            }

            int renewals = quick ? 2_000 : 10_000;
            redis.command("FLUSHALL");
            long memoryBefore = Long.parseLong(redis.info("memory").get("used_memory"));
            for (int s = 0; s < 100; s++) {
                register(registry, "svc-" + s, renewals / 100, Duration.ofMinutes(10));
            }
            long memoryAfter = Long.parseLong(redis.info("memory").get("used_memory"));
            double throughput = renewThroughput(registry, renewals / 100, 8);
            report.append("\n| measure | value |\n|---|---:|\n");
            report.append(String.format(Locale.ROOT, "| renewals per second (%,d instances in 100 services, 8 "
                    + "threads, one script call each) | %,.0f |%n", renewals, throughput));
            report.append(String.format(Locale.ROOT, "| renewals per second needed at the default heartbeat "
                    + "(ttl %d s / 3) for %,d instances | %,.0f |%n", DEFAULT_TTL_SECONDS, renewals,
                    renewals / (DEFAULT_TTL_SECONDS / 3.0)));
            report.append(String.format(Locale.ROOT, "| Redis memory per registered instance (used_memory delta / "
                    + "%,d) | %,d bytes |%n", renewals, (memoryAfter - memoryBefore) / renewals));
        }
        java.nio.file.Path root = java.nio.file.Path.of(System.getProperty("beacon.root", ".")).toAbsolutePath()
                .normalize();
        java.nio.file.Path plots = root.resolve(System.getProperty("beacon.bench.plots", "docs/bench"));
        java.util.Map<String, double[][]> series = new java.util.LinkedHashMap<>();
        series.put("Beacon instances(service): one round trip", beaconPoints.toArray(new double[0][]));
        series.put("seed pattern: one round trip per instance", seedPoints.toArray(new double[0][]));
        Plots.lines(plots.resolve("uncached-read.png"), "Uncached read of one service (Redis, p50)", "ms per read",
                true, series);
        report.append("\n![uncached read latency against instance count](")
                .append(root.relativize(plots.toAbsolutePath()).toString().replace('\\', '/'))
                .append("/uncached-read.png)\n");
        System.out.println(report);
    }

    private static void register(RedisServiceRegistry registry, String service, int count, Duration ttl) {
        for (int i = 0; i < count; i++) {
            registry.register(ServiceInstance.builder(service).id("i-" + i).host("10.0." + (i / 250) + "."
                    + (i % 250 + 1)).port(8080).metadata("version", "1.4").metadata("zone", "eu-" + (i % 3))
                    .build(), ttl);
        }
    }

    /** The seed's read: list the ids, then one request per instance. */
    private static int seedPatternRead(RedisClient raw, String service) {
        List<String> ids = raw.zrange("beacon:{" + service + "}:l", 0, -1);
        int found = 0;
        for (String id : ids) {
            if (raw.hget("beacon:{" + service + "}:i", id) != null) {
                found++;
            }
        }
        return found;
    }

    private static double renewThroughput(RedisServiceRegistry registry, int perService, int threads)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            long start = System.nanoTime();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    int done = 0;
                    for (int s = thread; s < 100; s += threads) {
                        for (int i = 0; i < perService; i++) {
                            if (registry.renew("svc-" + s, "i-" + i)) {
                                done++;
                            }
                        }
                    }
                    return done;
                }));
            }
            int total = 0;
            for (Future<Integer> result : results) {
                total += result.get();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            check(total, perService * 100);
            return total / seconds;
        } finally {
            pool.shutdownNow();
        }
    }

    private static long reads(RedisProcess redis) throws Exception {
        return Long.parseLong(redis.info("stats").get("total_reads_processed"));
    }

    private static long percentile(List<Long> values, int percentile) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int index = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    private static String micros(long nanos) {
        return nanos >= 1_000_000 ? String.format(Locale.ROOT, "%.2f ms", nanos / 1e6)
                : String.format(Locale.ROOT, "%.0f µs", nanos / 1e3);
    }

    private static void check(int actual, int expected) {
        if (actual != expected) {
            throw new IllegalStateException("expected " + expected + " instances, read " + actual);
        }
    }
}
