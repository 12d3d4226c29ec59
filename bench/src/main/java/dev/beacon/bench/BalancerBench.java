package dev.beacon.bench;

import dev.beacon.bench.jmh.BalancerBenchmark;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs {@link BalancerBenchmark} with JMH (GC profiler on) and prints a Markdown table of the median ns/op and
 * allocated bytes per op of every balancer, instance count and thread count. JMH's own progress goes to stderr.
 * Run with {@code ./bench.sh jmh} (add {@code --quick} for a short run).
 */
public final class BalancerBench {

    private BalancerBench() {
    }

    public static void main(String[] args) throws Exception {
        boolean quick = List.of(args).contains("--quick");
        // Two benchmark threads on two cores starve the JIT's compiler threads, so warm-up is longer than usual.
        int warmups = quick ? 2 : 5;
        int iterations = quick ? 3 : 5;
        TimeValue warmupTime = quick ? TimeValue.milliseconds(300) : TimeValue.seconds(1);
        TimeValue iterationTime = quick ? TimeValue.milliseconds(300) : TimeValue.seconds(1);
        Options options = new OptionsBuilder()
                .include(BalancerBenchmark.class.getName() + "\\.")
                .include(dev.beacon.bench.jmh.ClientChooseBenchmark.class.getName() + "\\.")
                .forks(1)
                .warmupIterations(warmups).warmupTime(warmupTime)
                .measurementIterations(iterations).measurementTime(iterationTime)
                .addProfiler(GCProfiler.class)
                .build();
        String loadBefore = loadAverage();
        Collection<RunResult> results = new Runner(options,
                OutputFormatFactory.createFormatInstance(System.err, VerboseMode.NORMAL)).run();

        Map<String, double[]> cells = new HashMap<>();
        for (RunResult run : results) {
            BenchmarkParams params = run.getParams();
            String method = params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.') + 1);
            String type = params.getBenchmark().contains("ClientChooseBenchmark") ? "client" : "balancer";
            String key = type + "/" + params.getParam("balancer") + "/" + params.getParam("instances") + "/" + method;
            List<Double> time = new ArrayList<>();
            List<Double> bytes = new ArrayList<>();
            for (BenchmarkResult benchmark : run.getBenchmarkResults()) {
                for (IterationResult iteration : benchmark.getIterationResults()) {
                    time.add(iteration.getPrimaryResult().getScore());
                    bytes.add(allocationPerOp(iteration));
                }
            }
            cells.put(key, new double[]{median(time), median(bytes)});
        }

        StringBuilder report = new StringBuilder();
        report.append("### Load balancers, `choose()` (").append(quick ? "quick run" : "full run").append(")\n\n");
        report.append("Machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores, Java ")
                .append(System.getProperty("java.version")).append(", load average (1 min) ").append(loadBefore)
                .append(" before and ").append(loadAverage()).append(" after the run. JMH ").append(quick
                        ? "quick run: 1 fork, 2 × 300 ms warm-up, 3 × 300 ms measured"
                        : "1 fork, 5 × 1 s warm-up, 5 × 1 s measured")
                .append(", `-prof gc`; each cell is the median over the measured iterations. With 2 threads the time "
                        + "is per call in each thread, both calling one shared balancer.\n\n");
        for (String type : new String[]{"balancer", "client"}) {
            report.append(type.equals("balancer")
                    ? "**The balancer alone** (`LoadBalancer.choose(endpoints, key)` on a warm endpoint list):\n\n"
                    : "\n**Through a warm `DiscoveryClient`** (`client.choose(service, key)`: snapshot lookup, balancer, "
                            + "`Optional`):\n\n");
            report.append("| balancer | instances | 1 thread ns/op | 1 thread B/op | 2 threads ns/op | 2 threads B/op |\n")
                    .append("|---|---:|---:|---:|---:|---:|\n");
            for (String balancer : BalancerBenchmark.BALANCERS) {
                for (String instances : new String[]{"10", "100", "1000"}) {
                    double[] one = cells.get(type + "/" + balancer + "/" + instances + "/oneThread");
                    double[] two = cells.get(type + "/" + balancer + "/" + instances + "/twoThreads");
                    report.append(String.format(Locale.ROOT, "| %s | %,d | %s | %s | %s | %s |%n", balancer,
                            Integer.parseInt(instances), time(one), bytes(one), time(two), bytes(two)));
                }
            }
        }
        System.out.print(report);
    }

    /** The 1-minute load average from {@code /proc/loadavg}, or "unknown" where there is none. */
    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    @SuppressWarnings("rawtypes") // JMH's getSecondaryResults() is a Map<String, Result> of the raw type
    private static double allocationPerOp(IterationResult iteration) {
        for (Map.Entry<String, Result> secondary : iteration.getSecondaryResults().entrySet()) {
            if (secondary.getKey().endsWith("gc.alloc.rate.norm")) {
                return secondary.getValue().getScore();
            }
        }
        return Double.NaN;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n == 0 ? Double.NaN : n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static String time(double[] cell) {
        if (cell == null) {
            return "–";
        }
        return cell[0] >= 100 ? String.format(Locale.ROOT, "%,.0f", cell[0]) : String.format(Locale.ROOT, "%.1f", cell[0]);
    }

    private static String bytes(double[] cell) {
        // gc.alloc.rate.norm carries a few bytes of measurement noise per op; below 0.5 B/op it is no allocation.
        return cell == null ? "–" : cell[1] < 0.5 ? "0" : String.format(Locale.ROOT, "%.1f", cell[1]);
    }
}
