package dev.beacon.bench;

import dev.beacon.ServiceInstance;
import dev.beacon.registry.FileServiceRegistry;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What an agent costs an app at startup: {@code sample-app.jar} started again and again — without agent, with
 * Beacon's agent, and with the OpenTelemetry Java agent (exporters off) for reference — in alternating order, each run
 * measured from process start: time to the first successful HTTP response, time until the instance is visible in
 * the registry (Beacon), CPU time used by then ({@code /proc/<pid>/stat}), and peak RSS ({@code VmHWM}) one second
 * later. Prints medians and ratios to the run without agent. Run with {@code ./bench.sh startup [--quick]}.
 */
public final class StartupBench {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(200)).build();
    private static final long CLOCK_TICKS = 100; // USER_HZ on Linux

    private record Sample(double firstResponseMs, double visibleMs, double cpuMs, double rssMb) {
    }

    private StartupBench() {
    }

    public static void main(String[] args) throws Exception {
        boolean quick = List.of(args).contains("--quick");
        int runs = quick ? 3 : 9;
        Path root = Path.of(System.getProperty("beacon.root", ".")).toAbsolutePath().normalize();
        Path sample = root.resolve("sample-app/target/sample-app.jar");
        Path agent = root.resolve("agent/target/beacon-agent.jar");
        Path otel = root.resolve("bench/target/reference-agents/opentelemetry-javaagent.jar");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Map<String, List<Sample>> samples = new LinkedHashMap<>();
        List<String> variants = new ArrayList<>(List.of("no agent", "Beacon agent"));
        if (Files.exists(otel)) {
            variants.add("OpenTelemetry agent 2.22");
        }
        variants.forEach(v -> samples.put(v, new ArrayList<>()));
        for (int run = 0; run < runs; run++) {
            for (String variant : variants) {
                Path registry = Files.createTempDirectory("beacon-startup");
                List<String> command = new ArrayList<>(List.of(java, "-Xshare:auto"));
                switch (variant) {
                    case "Beacon agent" -> command.add("-javaagent:" + agent + "=service=startup,registry=file:"
                            + registry + ",log=warn");
                    case "no agent" -> { }
                    default -> command.addAll(List.of("-javaagent:" + otel, "-Dotel.traces.exporter=none",
                            "-Dotel.metrics.exporter=none", "-Dotel.logs.exporter=none", "-Dotel.javaagent.logging=none"));
                }
                command.addAll(List.of("-jar", sample.toString(), "--port", Integer.toString(freePort())));
                samples.get(variant).add(measure(command, variant.equals("Beacon agent") ? registry : null));
            }
        }
        StringBuilder report = new StringBuilder();
        report.append("### Agent startup cost (").append(quick ? "quick run" : "full run").append(")\n\n")
                .append("`sample-app.jar` (JDK HttpServer), ").append(runs).append(" runs per variant in alternating "
                        + "order, Java ").append(System.getProperty("java.version")).append(", ")
                .append(Runtime.getRuntime().availableProcessors()).append(" cores, load average ")
                .append(loadAverage()).append(" at the end. Medians; ratios to the run without agent.\n\n")
                .append("| variant | first HTTP 200 | ratio | visible in registry | CPU time by first 200 | ratio | "
                        + "peak RSS | + MB |\n|---|---:|---:|---:|---:|---:|---:|---:|\n");
        Sample base = median(samples.get("no agent"));
        for (String variant : variants) {
            Sample m = median(samples.get(variant));
            report.append(String.format(Locale.ROOT, "| %s | %.0f ms | %.2f× | %s | %.0f ms | %.2f× | %.0f MB | %+.0f |%n",
                    variant, m.firstResponseMs(), m.firstResponseMs() / base.firstResponseMs(),
                    Double.isNaN(m.visibleMs()) ? "–" : String.format(Locale.ROOT, "%.0f ms", m.visibleMs()),
                    m.cpuMs(), m.cpuMs() / base.cpuMs(), m.rssMb(), m.rssMb() - base.rssMb()));
        }
        System.out.print(report);
    }

    private static Sample measure(List<String> command, Path registry) throws Exception {
        long start = System.nanoTime();
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            int port = Integer.parseInt(command.get(command.size() - 1));
            double first = Double.NaN;
            double visible = Double.NaN;
            double cpu = Double.NaN;
            long deadline = start + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline && (Double.isNaN(first) || (registry != null && Double.isNaN(visible)))) {
                if (Double.isNaN(first) && ok(port)) {
                    first = (System.nanoTime() - start) / 1e6;
                    cpu = cpuMillis(process.pid());
                }
                if (registry != null && Double.isNaN(visible) && visible(registry, port)) {
                    visible = (System.nanoTime() - start) / 1e6;
                }
                Thread.sleep(2);
            }
            if (Double.isNaN(first)) {
                throw new IllegalStateException("no HTTP 200 within 30 s from: " + String.join(" ", command));
            }
            Thread.sleep(1000);
            return new Sample(first, visible, cpu, peakRssMb(process.pid()));
        } finally {
            process.destroyForcibly().waitFor();
        }
    }

    private static boolean ok(int port) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                    .timeout(Duration.ofMillis(500)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static boolean visible(Path registry, int port) {
        try (FileServiceRegistry files = new FileServiceRegistry(registry)) {
            return files.instances("startup").stream().map(ServiceInstance::port).anyMatch(p -> p == port);
        } catch (RuntimeException notYet) {
            return false;
        }
    }

    private static double cpuMillis(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime + stime
        return ticks * 1000.0 / CLOCK_TICKS;
    }

    private static double peakRssMb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
            }
        }
        return Double.NaN;
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static Sample median(List<Sample> samples) {
        return new Sample(median(samples, Sample::firstResponseMs), median(samples, Sample::visibleMs),
                median(samples, Sample::cpuMs), median(samples, Sample::rssMb));
    }

    private static double median(List<Sample> samples, java.util.function.ToDoubleFunction<Sample> field) {
        List<Double> values = new ArrayList<>();
        samples.forEach(s -> {
            double v = field.applyAsDouble(s);
            if (!Double.isNaN(v)) {
                values.add(v);
            }
        });
        if (values.isEmpty()) {
            return Double.NaN;
        }
        Collections.sort(values);
        int n = values.size();
        return n % 2 == 1 ? values.get(n / 2) : (values.get(n / 2 - 1) + values.get(n / 2)) / 2;
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            return "unknown";
        }
    }
}
