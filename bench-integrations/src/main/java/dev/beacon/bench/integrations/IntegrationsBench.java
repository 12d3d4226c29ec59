package dev.beacon.bench.integrations;

import dev.beacon.registry.Registries;
import dev.beacon.registry.ServiceRegistry;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.stub.ClientCalls;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.web.client.RestClient;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./bench.sh lookup-integrations [--quick]}: prints a Markdown report of (1) a SIGTERM of one of three
 * sample apps seen by a {@code @LoadBalanced RestClient}, Beacon's load balancer vs Spring Cloud LoadBalancer's
 * default caching supplier over the same Beacon discovery client; (2) a SIGTERM of one of three grpc-java servers seen
 * by a {@code beacon:///} round-robin channel; (3) JMH cost per call of each integration.
 */
public final class IntegrationsBench {

    private IntegrationsBench() {
    }

    /** The Spring Boot app: a {@code @LoadBalanced RestClient}, nothing of Beacon's but the dependency. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {
        @Bean
        @LoadBalanced
        RestClient.Builder restClientBuilder() {
            return RestClient.builder();
        }
    }

    public static void main(String[] args) throws Exception {
        boolean quick = List.of(args).contains("--quick");
        // stdout is the report only: Spring's console log and JMH's progress go to stderr meanwhile
        java.io.PrintStream report = System.out;
        System.setOut(System.err);
        // --only=spring|grpc|jmh runs one part (to look into it); the report is then partial
        String only = List.of(args).stream().filter(a -> a.startsWith("--only=")).map(a -> a.substring(7))
                .findFirst().orElse("all");
        String load = loadAverage();
        StringBuilder r = new StringBuilder();
        r.append("### Lookup integrations: a SIGTERM seen through Spring Cloud and gRPC (")
                .append(quick ? "quick run" : "full run").append(")\n\n");
        r.append("Load average at the start: ").append(load).append(" (").append(Runtime.getRuntime()
                .availableProcessors()).append(" cores). Three instances registered by the agent in a file registry "
                + "(ttl 9 s); two threads call without pause; one instance gets SIGTERM. *Last routed* is when the "
                + "last call that went to the stopped instance started, counted from the SIGTERM: a call it answered, "
                + "or a failed call (the two others stay up, and the error of a load-balanced call names the service, "
                + "not the instance); *failed* counts the failed calls after the SIGTERM. Spring Cloud: a "
                + "`@LoadBalanced RestClient`, sample apps; gRPC: a `beacon:///who` channel, grpc-java servers.\n\n");
        r.append("| client | agent `drain` | calls after SIGTERM | failed | last routed to the stopped instance |\n"
                + "|---|---|---:|---:|---:|\n");
        Duration beaconWindow = Duration.ofSeconds(3);
        Duration cachingWindow = Duration.ofSeconds(40); // past Spring Cloud LoadBalancer's 35 s cache, even --quick
        if (only.equals("all") || only.equals("spring")) {
            r.append(spring("Spring Cloud, Beacon's load balancer (pushed)", true, "0s", beaconWindow));
            r.append(spring("Spring Cloud, Beacon's load balancer (pushed)", true, "250ms", beaconWindow));
            r.append(spring("Spring Cloud LoadBalancer default (caching supplier, 35 s)", false, "250ms",
                    cachingWindow));
        }
        if (only.equals("all") || only.equals("grpc")) {
            r.append(grpc("gRPC `beacon:///who`, round_robin, waitForReady", "0s", beaconWindow));
            r.append(grpc("gRPC `beacon:///who`, round_robin, waitForReady", "250ms", beaconWindow));
        }
        r.append("\n");
        if (only.equals("all") || only.equals("jmh")) {
            r.append(jmh(quick));
        }
        report.print(r);
        report.flush();
    }

    private static String spring(String label, boolean beacon, String drain, Duration window) throws Exception {
        Path dir = Files.createTempDirectory("beacon-bench-integrations");
        String registry = "file:" + dir;
        try (Fleet fleet = Fleet.sampleApps(3, "orders", registry, "drain=" + drain)) {
            Map<String, Object> properties = new LinkedHashMap<>();
            properties.put("beacon.registry", registry);
            properties.put("beacon.discovery.load-balancer.enabled", String.valueOf(beacon));
            properties.put("spring.main.banner-mode", "off");
            properties.put("logging.level.root", "warn");
            try (ConfigurableApplicationContext context = new SpringApplicationBuilder(App.class)
                    .web(WebApplicationType.NONE).properties(properties).run()) {
                RestClient rest = context.getBean(RestClient.Builder.class).build();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (System.nanoTime() < deadline && !answersFromAll(rest, 3)) {
                    Thread.sleep(200);
                }
                Calls.Outcome outcome;
                try (Calls calls = new Calls(2, () -> name(rest.get().uri("http://orders/").retrieve()
                        .body(String.class)), e -> Optional.of("app-0"))) {
                    Thread.sleep(1000);
                    long t0 = System.nanoTime();
                    fleet.terminate(0);
                    Thread.sleep(window.toMillis());
                    calls.close();
                    outcome = calls.since(t0, "app-0");
                }
                return row(label, drain, outcome);
            }
        }
    }

    private static boolean answersFromAll(RestClient rest, int count) {
        try {
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (int i = 0; i < count * 4; i++) {
                seen.add(name(rest.get().uri("http://orders/").retrieve().body(String.class)));
            }
            return seen.size() == count;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static String grpc(String label, String drain, Duration window) throws Exception {
        Path dir = Files.createTempDirectory("beacon-bench-integrations");
        String registry = "file:" + dir;
        System.setProperty("beacon.registry", registry);
        try (Fleet fleet = Fleet.whoServers(3, "who", registry, "drain=" + drain);
             ServiceRegistry reader = Registries.open(registry)) {
            long registered = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (reader.instances("who").size() < 3 && System.nanoTime() < registered) {
                Thread.sleep(100);
            }
            ManagedChannel channel = ManagedChannelBuilder.forTarget("beacon:///who")
                    .defaultLoadBalancingPolicy("round_robin").usePlaintext().build();
            try {
                CallOptions options = CallOptions.DEFAULT.withWaitForReady();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                java.util.Set<String> seen = new java.util.HashSet<>();
                while (System.nanoTime() < deadline && seen.size() < 3) {
                    seen.add(ClientCalls.blockingUnaryCall(channel, Who.NAME,
                            options.withDeadlineAfter(5, TimeUnit.SECONDS), ""));
                }
                Calls.Outcome outcome;
                try (Calls calls = new Calls(2, () -> ClientCalls.blockingUnaryCall(channel, Who.NAME,
                        options.withDeadlineAfter(5, TimeUnit.SECONDS), ""), e -> Optional.of("who-0"))) {
                    Thread.sleep(1000);
                    long t0 = System.nanoTime();
                    fleet.terminate(0);
                    Thread.sleep(window.toMillis());
                    calls.close();
                    outcome = calls.since(t0, "who-0");
                }
                return row(label, drain, outcome);
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
                System.clearProperty("beacon.registry");
            }
        }
    }

    private static String row(String label, String drain, Calls.Outcome outcome) {
        return String.format(Locale.ROOT, "| %s | %s | %,d | %,d | %s |%n", label, drain, outcome.total(),
                outcome.failed(), outcome.lastRoutedMillis().map(ms -> String.format(Locale.ROOT, "%.0f ms", ms))
                        .orElse("none after the SIGTERM"));
    }

    private static String name(String body) {
        int space = body.indexOf(' ');
        return space < 0 ? body : body.substring(0, space);
    }

    private static String jmh(boolean quick) throws Exception {
        TimeValue time = quick ? TimeValue.milliseconds(300) : TimeValue.seconds(1);
        Collection<RunResult> results = new Runner(new OptionsBuilder()
                .include(OverheadBenchmark.class.getName())
                .forks(1).warmupIterations(quick ? 2 : 5).warmupTime(time)
                .measurementIterations(quick ? 3 : 5).measurementTime(time)
                .jvmArgsAppend("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn")
                .build()).run();
        Map<String, Double> medians = new LinkedHashMap<>();
        for (RunResult run : results) {
            List<Double> scores = new ArrayList<>();
            run.getBenchmarkResults().forEach(b -> b.getIterationResults()
                    .forEach(i -> scores.add(i.getPrimaryResult().getScore())));
            Collections.sort(scores);
            int n = scores.size();
            double median = n % 2 == 1 ? scores.get(n / 2) : (scores.get(n / 2 - 1) + scores.get(n / 2)) / 2;
            String label = run.getParams().getBenchmark();
            medians.put(label.substring(label.lastIndexOf('.') + 1), median);
        }
        double direct = medians.getOrDefault("directChoose", Double.NaN);
        StringBuilder r = new StringBuilder("#### Cost per call over a direct `choose()` (JMH)\n\n");
        r.append("JMH, 1 fork, ").append(quick ? "2 × 300 ms warm-up, 3 × 300 ms measured"
                : "5 × 1 s warm-up, 5 × 1 s measured").append(", one thread, median; three instances, round robin. "
                + "gRPC adds no Beacon code per call: the resolver pushes addresses and grpc-java's policy picks.\n\n");
        r.append("| path | ns/call | over `choose()` |\n|---|---:|---:|\n");
        Map<String, String> labels = Map.of(
                "directChoose", "`DiscoveryClient.choose()`",
                "recordedCall", "`begin()`/`close()` (what `DiscoveryHttpClient` records per call)",
                "springBeaconLoadBalancer", "Spring Cloud: Beacon's `ReactorLoadBalancer.choose().block()`",
                "springRoundRobinOverPushedSupplier",
                "Spring Cloud: its `RoundRobinLoadBalancer` over Beacon's pushed supplier");
        for (String name : OverheadBenchmark.names()) {
            double value = medians.getOrDefault(name, Double.NaN);
            r.append(String.format(Locale.ROOT, "| %s | %.1f | %s |%n", labels.get(name), value,
                    name.equals("directChoose") ? "–" : String.format(Locale.ROOT, "+%.1f ns", value - direct)));
        }
        return r.toString();
    }

    private static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (Exception e) {
            return "unknown";
        }
    }
}
