package dev.beacon.bench;

import dev.beacon.registry.FileServiceRegistry;
import dev.beacon.registry.RegistryEvent;
import dev.beacon.registry.Subscription;

import java.io.File;
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
import java.util.concurrent.atomic.AtomicLong;

/**
 * What an agent costs an app at startup: {@code sample-app.jar} and a Spring Boot web app started again and again —
 * without agent, with Beacon's agent, with Beacon's agent switched off ({@code enabled=false}: the cost of
 * {@code -javaagent:} itself), and with the OpenTelemetry Java agent (exporters off) for reference — in alternating
 * order, each run
 * measured from process start: time to the first successful HTTP response, time until the instance is visible in
 * the registry (Beacon), CPU time used by then ({@code /proc/<pid>/stat}) and the part of it on the agent's own
 * threads ({@code /proc/<pid>/task}: the agent's work, which load on a shared machine hides in the wall times), and peak
 * RSS ({@code VmHWM}) one second
 * later. Prints medians and ratios to the run without agent; with {@code -Dbeacon.baseline.agent=<jar>}, also the
 * difference between this build and that one round by round ({@link PairedDifference}). Each round starts one variant
 * later than the one before. Run with {@code ./bench.sh startup [--quick]}.
 */
public final class StartupBench {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(200)).build();
    private static final long CLOCK_TICKS = 100; // USER_HZ on Linux

    private record Sample(double firstResponseMs, double visibleMs, double cpuMs, double agentCpuMs, double rssMb) {
    }

    private StartupBench() {
    }

    /** An app to start: how to launch it on a port, and what it is. */
    private record App(String title, List<String> launch, String portFlag) {
        List<String> command(int port) {
            List<String> command = new ArrayList<>(launch);
            if (!portFlag.isEmpty()) {
                command.add(portFlag);
            }
            command.add(Integer.toString(port));
            return command;
        }
    }

    public static void main(String[] args) throws Exception {
        boolean quick = List.of(args).contains("--quick");
        // -Dbeacon.startup.runs=N: more runs per variant, for a ratio closer than the machine's noise
        int runs = Integer.getInteger("beacon.startup.runs", quick ? 3 : 9);
        Path root = Path.of(System.getProperty("beacon.root", ".")).toAbsolutePath().normalize();
        Path agent = root.resolve("agent/target/beacon-agent.jar");
        Path otel = root.resolve("bench/target/reference-agents/opentelemetry-javaagent.jar");
        // -Dbeacon.baseline.agent=<an earlier build's beacon-agent.jar>: measured in the same alternation, so a
        // change of the agent is compared side by side with the build before it
        String baselineProperty = System.getProperty("beacon.baseline.agent", "");
        Path baseline = baselineProperty.isBlank() ? null : Path.of(baselineProperty).toAbsolutePath();
        if (baseline != null && !Files.isRegularFile(baseline)) {
            throw new IllegalArgumentException("beacon.baseline.agent=" + baselineProperty + " is not a file");
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // -Dbeacon.startup.apps=sample,boot (the default) picks the apps; -Dbeacon.startup.otel=false skips OpenTelemetry
        List<String> chosen = List.of(System.getProperty("beacon.startup.apps", "sample,boot").split(","));
        List<App> apps = new ArrayList<>();
        if (chosen.contains("sample")) {
            apps.add(new App("`sample-app.jar` (JDK HttpServer)",
                    List.of("-jar", root.resolve("sample-app/target/sample-app.jar").toString()), "--port"));
        }
        Path bootLib = root.resolve("bench/target/boot-lib");
        if (chosen.contains("boot") && Files.isDirectory(bootLib)) {
            apps.add(new App("Spring Boot " + springBootVersion(bootLib) + " web app (embedded Tomcat, "
                    + "`BootHelloApp`)", List.of("-cp", root.resolve("bench/target/classes") + File.pathSeparator
                    + bootLib + "/*", "dev.beacon.bench.startup.BootHelloApp"), ""));
        }
        StringBuilder report = new StringBuilder();
        report.append("### Agent startup cost (").append(quick ? "quick run" : "full run").append(")\n\n");
        for (App app : apps) {
            Map<String, List<Sample>> samples = new LinkedHashMap<>();
            List<String> variants = new ArrayList<>(List.of(NO_AGENT, BEACON, BEACON_OFF));
            if (baseline != null) {
                variants.add(2, BASELINE);
            }
            if (Files.exists(otel) && Boolean.parseBoolean(System.getProperty("beacon.startup.otel", "true"))) {
                variants.add(OTEL);
            }
            variants.forEach(v -> samples.put(v, new ArrayList<>()));
            for (int run = 0; run < runs; run++) {
                // each round starts one variant later: no variant always follows the same one (a JVM that just
                // exited leaves caches and CPU frequency to the next)
                List<String> round = new ArrayList<>(variants);
                Collections.rotate(round, -(run % variants.size()));
                for (String variant : round) {
                    Path registry = Files.createTempDirectory("beacon-startup");
                    List<String> command = new ArrayList<>(List.of(java, "-Xshare:auto"));
                    switch (variant) {
                        case BEACON -> command.add("-javaagent:" + agent + "=service=startup,registry=file:" + registry
                                + ",log=warn");
                        case BASELINE -> command.add("-javaagent:" + baseline + "=service=startup,registry=file:"
                                + registry + ",log=warn");
                        case BEACON_OFF -> command.add("-javaagent:" + agent + "=enabled=false");
                        case NO_AGENT -> { }
                        default -> command.addAll(List.of("-javaagent:" + otel, "-Dotel.traces.exporter=none",
                                "-Dotel.metrics.exporter=none", "-Dotel.logs.exporter=none",
                                "-Dotel.javaagent.logging=none"));
                    }
                    int port = freePort();
                    command.addAll(app.command(port));
                    samples.get(variant).add(measure(command, port,
                            variant.equals(BEACON) || variant.equals(BASELINE) ? registry : null));
                }
            }
            report.append(app.title()).append(", ").append(runs).append(" runs per variant in alternating order, "
                            + "Java ").append(System.getProperty("java.version")).append(", ")
                    .append(Runtime.getRuntime().availableProcessors()).append(" cores, load average ")
                    .append(loadAverage()).append(" at the end. Medians; ratios to the run without agent.\n\n")
                    .append("| variant | first HTTP 200 | ratio | visible in registry | CPU time by first 200 | ratio | "
                            + "the agent's threads' share | peak RSS | + MB |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            Sample base = median(samples.get(NO_AGENT));
            for (String variant : variants) {
                Sample m = median(samples.get(variant));
                report.append(String.format(Locale.ROOT, "| %s | %.0f ms | %.2f× | %s | %.0f ms | %.2f× | %s | %.0f MB | %+.0f |%n",
                        variant, m.firstResponseMs(), m.firstResponseMs() / base.firstResponseMs(),
                        Double.isNaN(m.visibleMs()) ? "–" : String.format(Locale.ROOT, "%.0f ms", m.visibleMs()),
                        m.cpuMs(), m.cpuMs() / base.cpuMs(),
                        Double.isNaN(m.agentCpuMs()) ? "–" : String.format(Locale.ROOT, "%.0f ms", m.agentCpuMs()),
                        m.rssMb(), m.rssMb() - base.rssMb()));
            }
            if (baseline != null) {
                // the two builds measured in the same round share that round's machine state: their difference,
                // round by round, separates a few percent that the medians' noise hides
                report.append("\n").append(BEACON).append(" minus the baseline build, paired by round: first HTTP 200 ")
                        .append(PairedDifference.of(field(samples.get(BEACON), Sample::firstResponseMs),
                                field(samples.get(BASELINE), Sample::firstResponseMs)).format("ms"))
                        .append("; CPU time by then ")
                        .append(PairedDifference.of(field(samples.get(BEACON), Sample::cpuMs),
                                field(samples.get(BASELINE), Sample::cpuMs)).format("ms"))
                        .append(", of it on the agent's threads ")
                        .append(PairedDifference.of(field(samples.get(BEACON), Sample::agentCpuMs),
                                field(samples.get(BASELINE), Sample::agentCpuMs)).format("ms"))
                        .append(".\n");
            }
            report.append("\n");
        }
        report.append("`").append(BEACON_OFF).append("` is the price of `-javaagent:` with this jar alone (the JVM opens "
                + "the agent jar and starts the java.instrument machinery); the agent then returns at once.\n");
        System.out.print(report);
    }

    private static final String NO_AGENT = "no agent";
    private static final String BEACON = "Beacon agent";
    private static final String BEACON_OFF = "Beacon agent, enabled=false";
    private static final String BASELINE = "Beacon agent, baseline build (-Dbeacon.baseline.agent)";
    private static final String OTEL = "OpenTelemetry agent 2.22";

    private static String springBootVersion(Path bootLib) throws IOException {
        try (var files = Files.list(bootLib)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.matches("spring-boot-\\d.*\\.jar"))
                    .map(n -> n.substring("spring-boot-".length(), n.length() - 4)).findFirst().orElse("3");
        }
    }

    /**
     * Starts {@code command} and measures it. The registration is seen through the file registry's watch (inotify),
     * not by reading the registry in a loop: reading it every few milliseconds took CPU from the app while it started,
     * for as long as it was not registered yet, so an agent that registers later (at the app's first accept rather
     * than at its bind) was measured slower for the bench's own reads.
     */
    private static Sample measure(List<String> command, int port, Path registry) throws Exception {
        AtomicLong registeredAt = new AtomicLong();
        try (FileServiceRegistry files = registry == null ? null : new FileServiceRegistry(registry);
             Subscription ignored = files == null ? null : files.watch("startup", event -> {
                 if (event.type() == RegistryEvent.Type.REGISTERED && event.instance().port() == port) {
                     registeredAt.compareAndSet(0, System.nanoTime());
                 }
             })) {
            long start = System.nanoTime();
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            try {
                double first = Double.NaN;
                double cpu = Double.NaN;
                double agentCpu = Double.NaN;
                long deadline = start + Duration.ofSeconds(30).toNanos();
                while (System.nanoTime() < deadline && (Double.isNaN(first)
                        || (registry != null && registeredAt.get() == 0))) {
                    if (Double.isNaN(first) && ok(port)) {
                        first = (System.nanoTime() - start) / 1e6;
                        cpu = cpuMillis(process.pid());
                        agentCpu = registry == null ? Double.NaN : agentThreadsCpuMillis(process.pid());
                    }
                    Thread.sleep(2);
                }
                if (Double.isNaN(first)) {
                    throw new IllegalStateException("no HTTP 200 within 30 s from: " + String.join(" ", command));
                }
                double visible = registeredAt.get() == 0 ? Double.NaN : (registeredAt.get() - start) / 1e6;
                Thread.sleep(1000);
                return new Sample(first, visible, cpu, agentCpu, peakRssMb(process.pid()));
            } finally {
                process.destroyForcibly().waitFor();
            }
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

    private static double cpuMillis(long pid) throws IOException {
        return cpuTicks(Files.readString(Path.of("/proc/" + pid + "/stat"))) * 1000.0 / CLOCK_TICKS;
    }

    /** utime + stime from a {@code /proc/.../stat} line (a process's or a thread's: the same format). */
    private static long cpuTicks(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /**
     * CPU time of the agent's own threads ({@code beacon-agent}, and any other thread named {@code beacon-*}) in the
     * process so far: what the agent's work costs the machine, which a busy machine's noise in wall times hides. A
     * thread that has exited is not counted (the agent's threads live as long as the app).
     */
    private static double agentThreadsCpuMillis(long pid) throws IOException {
        long ticks = 0;
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    if (!Files.readString(task.resolve("comm")).startsWith("beacon")) {
                        continue;
                    }
                    ticks += cpuTicks(Files.readString(task.resolve("stat")));
                } catch (java.nio.file.NoSuchFileException exited) {
                    // the thread ended between the listing and the read
                }
            }
        }
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

    private static List<Double> field(List<Sample> samples, java.util.function.ToDoubleFunction<Sample> field) {
        return samples.stream().map(field::applyAsDouble).toList();
    }

    private static Sample median(List<Sample> samples) {
        return new Sample(median(samples, Sample::firstResponseMs), median(samples, Sample::visibleMs),
                median(samples, Sample::cpuMs), median(samples, Sample::agentCpuMs), median(samples, Sample::rssMb));
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
