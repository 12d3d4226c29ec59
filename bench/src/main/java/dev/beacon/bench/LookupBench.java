package dev.beacon.bench;

import dev.beacon.bench.jmh.ClientChooseBenchmark;
import dev.beacon.bench.jmh.CuratorProviderBenchmark;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One lookup from a warm client, Beacon against the peer, with JMH in the same run: Beacon's
 * {@code DiscoveryClient.choose()} with round robin ({@link ClientChooseBenchmark}) and Curator's
 * {@code ServiceProvider.getInstance()} with its round-robin strategy ({@link CuratorProviderBenchmark}), at 10, 100
 * and 1,000 instances, one thread. Prints a Markdown table with the ratios and writes {@code lookup-ns.png}.
 * Run with {@code ./bench.sh lookup [--quick]}.
 */
public final class LookupBench {

    private LookupBench() {
    }

    public static void main(String[] args) throws Exception {
        boolean smoke = List.of(args).contains("--smoke"); // the CI check that the harness runs
        boolean quick = smoke || List.of(args).contains("--quick");
        String[] sizes = smoke ? new String[]{"10"} : new String[]{"10", "100", "1000"};
        Path root = Path.of(System.getProperty("beacon.root", ".")).toAbsolutePath().normalize();
        Path plots = root.resolve(System.getProperty("beacon.bench.plots", "docs/bench"));
        String loadBefore = Samples.loadAverage();
        Map<Integer, Double> beacon = run(ClientChooseBenchmark.class.getName() + "\\.oneThread", smoke, quick,
                sizes, Map.of("balancer", "roundRobin"));
        Map<Integer, Double> curator = run(CuratorProviderBenchmark.class.getName() + "\\.getInstance", smoke, quick,
                sizes, Map.of());
        StringBuilder r = new StringBuilder();
        r.append("### Lookup from a warm client, Beacon and Curator (")
                .append(smoke ? "smoke run" : quick ? "quick run" : "full run").append(")\n\n");
        r.append("Machine: ").append(Samples.machine()).append(" (").append(loadBefore).append(" at the start). JMH, "
                + "1 fork, ").append(smoke ? "1 × 100 ms warm-up, 1 × 100 ms measured"
                        : quick ? "2 × 300 ms warm-up, 3 × 300 ms measured" : "5 × 1 s warm-up, 5 × 1 s measured")
                .append(", one thread, median of the measured iterations. Beacon: "
                + "`DiscoveryClient.choose(service)` with `LoadBalancer.roundRobin()`; Curator: "
                + "`ServiceProvider.getInstance()` with `RoundRobinStrategy` over its `ServiceCache`, ZooKeeper "
                + "in-process.\n\n");
        r.append("| instances | Beacon `choose()` ns/op | Curator `getInstance()` ns/op | Curator ÷ Beacon |\n"
                + "|---:|---:|---:|---:|\n");
        List<double[]> beaconPoints = new ArrayList<>();
        List<double[]> curatorPoints = new ArrayList<>();
        for (String size : sizes) {
            int n = Integer.parseInt(size);
            double b = beacon.getOrDefault(n, Double.NaN);
            double c = curator.getOrDefault(n, Double.NaN);
            beaconPoints.add(new double[]{n, b});
            curatorPoints.add(new double[]{n, c});
            r.append(String.format(Locale.ROOT, "| %,d | %s | %s | %s |%n", n, ns(b), ns(c), Samples.ratio(c, b)));
        }
        Map<String, double[][]> series = new LinkedHashMap<>();
        series.put("Beacon DiscoveryClient.choose() (round robin)", beaconPoints.toArray(new double[0][]));
        series.put("Curator ServiceProvider.getInstance() (round robin)", curatorPoints.toArray(new double[0][]));
        Plots.lines(plots.resolve("lookup-ns.png"), "One lookup from a warm client", "ns per lookup", true, series);
        String dir = root.relativize(plots.toAbsolutePath()).toString().replace('\\', '/');
        r.append("\n![ns per lookup against instance count](").append(dir).append("/lookup-ns.png)\n");
        System.out.print(r);
    }

    private static Map<Integer, Double> run(String include, boolean smoke, boolean quick, String[] sizes,
                                            Map<String, String> params) throws Exception {
        TimeValue time = smoke ? TimeValue.milliseconds(100) : quick ? TimeValue.milliseconds(300)
                : TimeValue.seconds(1);
        OptionsBuilder builder = new OptionsBuilder();
        builder.include(include).forks(1).param("instances", sizes)
                .jvmArgsAppend("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn")
                .warmupIterations(smoke ? 1 : quick ? 2 : 5).warmupTime(time)
                .measurementIterations(smoke ? 1 : quick ? 3 : 5).measurementTime(time);
        params.forEach(builder::param);
        Options options = builder.build();
        Collection<RunResult> results = new Runner(options,
                OutputFormatFactory.createFormatInstance(System.err, VerboseMode.NORMAL)).run();
        Map<Integer, Double> medians = new TreeMap<>();
        for (RunResult run : results) {
            List<Double> scores = new ArrayList<>();
            run.getBenchmarkResults().forEach(b -> b.getIterationResults()
                    .forEach(i -> scores.add(i.getPrimaryResult().getScore())));
            Collections.sort(scores);
            int n = scores.size();
            double median = n % 2 == 1 ? scores.get(n / 2) : (scores.get(n / 2 - 1) + scores.get(n / 2)) / 2;
            medians.put(Integer.parseInt(run.getParams().getParam("instances")), median);
        }
        return medians;
    }

    private static String ns(double value) {
        if (Double.isNaN(value)) {
            return "–";
        }
        return value >= 100 ? String.format(Locale.ROOT, "%,.0f", value) : String.format(Locale.ROOT, "%.1f", value);
    }
}
