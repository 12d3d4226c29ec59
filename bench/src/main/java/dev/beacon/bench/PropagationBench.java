package dev.beacon.bench;

import dev.beacon.registry.Registries;
import dev.beacon.registry.ServiceRegistry;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How fast a change reaches clients, Beacon (file registry, Redis, and ZooKeeper in Curator's layout) side by side
 * with Apache Curator's service discovery on ZooKeeper: registration, graceful deregistration and crash, each seen by a watching client and by a
 * plain read (see {@link BeaconPropagation} and {@link CuratorPeer} for what exactly is timed). All times are
 * wall-clock microseconds of one machine, taken in the JVM that acts and the JVM that observes. Prints a Markdown
 * report and writes latency CDF plots into {@code beacon.bench.plots} (default {@code docs/bench}).
 * Run with {@code ./bench.sh propagation [--quick]}.
 */
public final class PropagationBench {

    private PropagationBench() {
    }

    /** Eureka's lease is whole seconds and its server adds the duration twice before evicting: 2 s, not 1 s. */
    static final java.time.Duration EUREKA_SHORT_TTL = java.time.Duration.ofSeconds(2);

    public static void main(String[] args) throws Exception {
        boolean smoke = List.of(args).contains("--smoke"); // the CI check that the harness runs: a few runs each
        boolean quick = smoke || List.of(args).contains("--quick");
        Path root = Path.of(System.getProperty("beacon.root", ".")).toAbsolutePath().normalize();
        Path agentJar = Path.of(System.getProperty("beacon.agent.jar",
                root.resolve("agent/target/beacon-agent.jar").toString())).toAbsolutePath();
        Path plots = root.resolve(System.getProperty("beacon.bench.plots", "docs/bench"));
        if (!Files.isRegularFile(agentJar)) {
            throw new IllegalStateException("the agent jar " + agentJar + " is missing: build it first (mvn -pl agent "
                    + "-am package -DskipTests)");
        }
        int jvms = smoke ? 1 : quick ? 5 : 100; // 100 graceful stops per registry: the p99 is a p99, not the max of a few
        int rebinds = smoke ? 1 : quick ? 4 : 5;
        int shortCrashes = smoke ? 1 : quick ? 4 : 12;
        int defaultCrashes = smoke ? 0 : quick ? 2 : 4;
        int curatorCycles = smoke ? 5 : quick ? 50 : 300;
        String loadBefore = Samples.loadAverage();
        String redisVersion;
        String curatorSessions;
        String eurekaServer;
        try (Observers observers = new Observers(); CuratorPeer curator = CuratorPeer.start(observers)) {
            // Curator's default session takes 40 s to expire: its registrants are killed first and observed while
            // Beacon's scenarios run (they were all registered before any Beacon JVM starts)
            CuratorPeer.Crash curatorDefault = defaultCrashes > 0
                    ? curator.startCrash("crash-default", 0, defaultCrashes) : null;
            Path fileDir = Files.createTempDirectory("beacon-bench-file");
            // the agent registering into the ZooKeeper the Curator peer uses, in Curator's layout (beacon-zookeeper)
            String zkUri = "zookeeper://" + curator.connectString() + "/beacon-bench";
            try (ServiceRegistry file = Registries.open("file:" + fileDir);
                 RedisProcess redis = RedisProcess.start();
                 ServiceRegistry registry = Registries.open(redis.uri());
                 ServiceRegistry zookeeper = Registries.open(zkUri)) {
                redisVersion = redis.info("server").getOrDefault("redis_version", "?");
                BeaconPropagation onFile = new BeaconPropagation("file", "file:" + fileDir, file, agentJar, observers);
                BeaconPropagation onRedis = new BeaconPropagation("redis", redis.uri(), registry, agentJar, observers);
                BeaconPropagation onZooKeeper = new BeaconPropagation("zookeeper", zkUri, zookeeper, agentJar,
                        observers);
                // one app JVM on each registry in turn: the machine's load drifts, and the ratio compares like with like
                for (int rep = 0; rep < jvms; rep++) {
                    onFile.registerAndSigterm(1, rebinds);
                    onRedis.registerAndSigterm(1, rebinds);
                    onZooKeeper.registerAndSigterm(1, rebinds);
                }
                for (BeaconPropagation beacon : List.of(onFile, onRedis, onZooKeeper)) {
                    beacon.crash("crash-short", BeaconPropagation.SHORT_TTL, shortCrashes, 4);
                    beacon.crash("crash-default", BeaconPropagation.DEFAULT_TTL, defaultCrashes, 4);
                }
            }
            eurekaServer = eureka(root, agentJar, observers, smoke ? 0 : quick ? 2 : 10, rebinds,
                    smoke ? 0 : quick ? 2 : 4, defaultCrashes);
            int eurekaDefaultsJvms = smoke ? 0 : quick ? 1 : 3;
            eurekaAtItsDefaults(root, agentJar, observers, eurekaDefaultsJvms);
            if (curatorDefault != null) {
                curatorDefault.finish();
            }
            curator.registerAndUnregister(curatorCycles);
            curator.crash("crash-min", 2 * CuratorPeer.TICK_MILLIS, shortCrashes);
            curatorSessions = curator.negotiatedSessions();
            String run = smoke ? "smoke run" : quick ? "quick run" : "full run";
            int[] reps = {jvms, rebinds, shortCrashes, defaultCrashes, curatorCycles};
            String report = report(observers, run, loadBefore, redisVersion, curatorSessions, eurekaServer, reps,
                    root, plots) + eurekaDefaultsReport(observers, eurekaDefaultsJvms);
            System.out.println(report);
        }
    }

    /**
     * Beacon registering into a Spring Cloud Netflix Eureka server (the jar {@code eureka/eureka-server-app} builds),
     * fewer runs than the others: Eureka has no push, so each change takes up to a watch poll (1 s) to be seen.
     * Returns what the report says of the server, or why it did not run.
     */
    private static String eureka(Path root, Path agentJar, Observers observers, int jvms, int rebinds,
                                 int shortCrashes, int defaultCrashes) throws Exception {
        if (jvms == 0) {
            return "not run in the smoke run";
        }
        Path jar = root.resolve(System.getProperty("beacon.eureka.server.jar",
                "eureka/eureka-server-app/target/eureka-server-app.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("the Eureka server jar " + jar + " is missing: build it first (mvn -pl "
                    + "eureka/eureka-server-app -am package -DskipTests; ./bench.sh does)");
        }
        try (EurekaProcess server = EurekaProcess.start(jar);
             ServiceRegistry eureka = Registries.open(server.uri())) {
            BeaconPropagation onEureka = new BeaconPropagation("eureka", server.uri(), eureka, agentJar, observers,
                    5_000);
            onEureka.registerAndSigterm(jvms, rebinds);
            onEureka.crash("crash-short", EUREKA_SHORT_TTL, shortCrashes, 4);
            onEureka.crash("crash-default", BeaconPropagation.DEFAULT_TTL, defaultCrashes, 4);
        }
        return "the agent registering into Spring Cloud Netflix's Eureka server (" + root.relativize(jar.toAbsolutePath().normalize()) + ") with "
                + EurekaProcess.SETTINGS + ", the settings of Beacon's Eureka tests";
    }

    /**
     * The agent registering into a Eureka server at Eureka's own defaults ({@link EurekaProcess#EUREKA_DEFAULTS}: the
     * read-only response cache updated every 30 s, eviction every 60 s, self-preservation on) and the agent's
     * (ttl 9 s): few runs, each change taking up to the cache's 30 s.
     */
    private static void eurekaAtItsDefaults(Path root, Path agentJar, Observers observers, int jvms) throws Exception {
        if (jvms == 0) {
            return;
        }
        Path jar = root.resolve(System.getProperty("beacon.eureka.server.jar",
                "eureka/eureka-server-app/target/eureka-server-app.jar"));
        try (EurekaProcess server = EurekaProcess.start(jar, EurekaProcess.EUREKA_DEFAULTS);
             ServiceRegistry eureka = Registries.open(server.uri())) {
            BeaconPropagation atDefaults = new BeaconPropagation("eureka-defaults", server.uri(), eureka, agentJar,
                    observers, 5_000, Duration.ofSeconds(45));
            atDefaults.registerAndSigterm(jvms, 1);
            atDefaults.crash("crash-default", BeaconPropagation.DEFAULT_TTL, Math.min(jvms, 2), 2);
        }
    }

    private static String eurekaDefaultsReport(Observers o, int jvms) {
        if (jvms == 0) {
            return "";
        }
        StringBuilder r = new StringBuilder("\n#### Beacon into Eureka at Eureka's own defaults\n\n");
        r.append("The agent at its defaults (ttl ").append(BeaconPropagation.DEFAULT_TTL.toSeconds())
                .append(" s, `log=error`) registering into the same Eureka server started with ")
                .append(EurekaProcess.EUREKA_DEFAULTS).append(" (Spring Cloud Netflix's defaults): ").append(jvms)
                .append(" app JVMs, each binding once cold and once warm, then SIGTERM; ").append(Math.min(jvms, 2))
                .append(" crashes. Each cell: p50 / max (n); a change not seen within 45 s (crash: ttl + 45 s) is "
                        + "missed. Every read goes through Eureka's read-only response cache, copied every 30 s: "
                        + "registrations wait for its next copy, for Beacon's readers as for Eureka's own clients "
                        + "(which also fetch every 30 s by default, not measured here); an instance the cached copy "
                        + "shows past its ttl is read again directly, so Beacon's readers see an end at the latest one "
                        + "ttl after the renewal the copy shows, and Eureka's own list a crash only at its eviction."
                        + "\n\n");
        r.append("| scenario | watching client | plain read |\n|---|---:|---:|\n");
        String[][] rows = {
                {"registration, first bind in a fresh JVM", "register-cold"},
                {"registration, agent warm", "register"},
                {"app closes its listener", "close"},
                {"graceful stop (SIGTERM)", "sigterm"},
                {"crash (SIGKILL), ttl " + BeaconPropagation.DEFAULT_TTL.toSeconds() + " s", "crash-default"}};
        for (String[] row : rows) {
            r.append("| ").append(row[0]).append(" | ").append(cell(o, "eureka-defaults/" + row[1] + "/client"))
                    .append(" | ").append(cell(o, "eureka-defaults/" + row[1] + "/lookup")).append(" |\n");
        }
        return r.toString();
    }

    private static String report(Observers o, String run, String loadBefore, String redisVersion,
                                 String curatorSessions, String eurekaServer, int[] reps, Path root, Path plots) throws Exception {
        StringBuilder r = new StringBuilder();
        r.append("### Propagation (").append(run).append(")\n\n");
        r.append("Machine: ").append(Samples.machine()).append(" (").append(loadBefore).append(" at the start); "
                + "redis-server ").append(redisVersion).append(" and ZooKeeper ")
                .append(org.apache.zookeeper.Version.getFullVersion().split("[ -]")[0]).append(" (Curator ")
                .append(mavenVersion("org.apache.curator", "curator-x-discovery"))
                .append(") on loopback. Beacon: ").append(reps[0]).append(" app JVMs per registry with the agent "
                        + "(`log=error`), one on each registry in turn, each binding once cold and ").append(reps[1]).append(" times warm (close, "
                        + "bind again), then stopped with SIGTERM; ").append(reps[2]).append(" crashes at ttl 1 s and ")
                .append(reps[3]).append(" at the default ttl ").append(BeaconPropagation.DEFAULT_TTL.toSeconds()).append(" s (heartbeat ttl/3). Curator: ").append(reps[4])
                .append(" register/unregister cycles in one JVM, ").append(reps[2]).append(" crashed registrant JVMs "
                        + "with the minimal session and ").append(reps[3]).append(" with Curator's default "
                        + "(sessions granted by the server: ").append(curatorSessions).append("). Each cell: p50 / p99 "
                        + "(max when fewer than 100 runs, since p99 is then the maximum anyway); ratios: Curator ÷ "
                        + "Beacon on Redis on p50, and Beacon on file ÷ Beacon on Redis on p99 (max).\n\n");
        r.append("| scenario | seen by | Beacon, file | Beacon, Redis | Beacon, ZooKeeper | Beacon, Eureka "
                + "| Curator + ZooKeeper | Curator ÷ Beacon Redis (p50) | file ÷ Redis (p99) |\n"
                + "|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
        row(r, o, "registration, agent warm (bind → visible; Curator: `registerService()` → visible)", "register",
                "register");
        row(r, o, "registration, first bind in a fresh JVM (agent idle, its registry connection not used yet)",
                "register-cold", "-");
        row(r, o, "app closes its listener, JVM keeps running (close → not chosen)", "close", "-");
        row(r, o, "graceful stop (SIGTERM → not chosen; Curator: `unregisterService()`, no JVM exit)", "sigterm",
                "unregister");
        row(r, o, "crash, short lease (SIGKILL; Beacon ttl 1 s, Curator minimal session)", "crash-short",
                "crash-min");
        row(r, o, "crash, defaults (SIGKILL; Beacon ttl " + BeaconPropagation.DEFAULT_TTL.toSeconds() + " s, Curator default session)", "crash-default",
                "crash-default");
        r.append("\n\"client\" is the watching client: Beacon's `DiscoveryClient.choose()`, on a registry connection of its own (file registry: changes "
                + "pushed by the directory's `WatchService`, inotify here, each lease checked at its deadline; Redis: "
                + "pub/sub, expiries found by a 500 ms sweeper), Curator's "
                + "`ServiceProvider` over its `ServiceCache`. \"lookup\" is a plain read polled in a loop: "
                + "`registry.instances()` / `ServiceDiscovery.queryForInstances()`. A run whose change was not seen "
                + "within its timeout is counted as missed, never dropped silently. \"Beacon, ZooKeeper\" is the agent "
                + "registering into the same ZooKeeper in Curator's layout (`zookeeper://`, session timeout = ttl "
                + "within the server's bounds, 4 s to 40 s at its 2 s tick; Beacon's readers also drop a node at its "
                + "ttl), watched through Curator's `CuratorCache`. \"Beacon, Eureka\" is "
                + eurekaServer + " (fewer runs: Eureka has no push, Beacon's watch polls it every 1 s, and the plain "
                + "read is one HTTP request, made every 5 ms; the short lease is 2 s, Eureka's leases being whole "
                + "seconds; at Eureka's own defaults, the response cache and eviction timer add up to 30 s and 60 s: "
                + "[registries.md](docs/registries.md#eureka)).\n\n");

        Map<String, Samples> fast = new LinkedHashMap<>();
        Map<String, Samples> crash = new LinkedHashMap<>();
        for (String system : new String[]{"file", "redis", "zookeeper", "eureka", "curator"}) {
            String name = system.equals("curator") ? "Curator" : "Beacon " + system;
            fast.put(name + ", registration", o.samples(system + "/register/client"));
            if (!system.equals("curator")) {
                fast.put(name + ", first registration (cold)", o.samples(system + "/register-cold/client"));
            }
            fast.put(name + ", graceful stop", o.samples(system + (system.equals("curator") ? "/unregister/client"
                    : "/sigterm/client")));
            crash.put(name + ", short lease", o.samples(system + (system.equals("curator") ? "/crash-min/client"
                    : "/crash-short/client")));
            crash.put(name + ", defaults", o.samples(system + "/crash-default/client"));
        }
        Plots.cdf(plots.resolve("propagation-cdf.png"), "Registration and graceful stop → watching client", fast);
        Plots.cdf(plots.resolve("crash-cdf.png"), "Crash (SIGKILL) → watching client stops choosing it", crash);
        String dir = root.relativize(plots.toAbsolutePath()).toString().replace('\\', '/');
        r.append("![registration and graceful stop, latency CDF](").append(dir).append("/propagation-cdf.png)\n");
        r.append("![crash, latency CDF](").append(dir).append("/crash-cdf.png)\n");
        return r.toString();
    }

    /** The version in a dependency's {@code pom.properties} on the class path, or "?". */
    static String mavenVersion(String group, String artifact) {
        try (java.io.InputStream in = PropagationBench.class.getResourceAsStream("/META-INF/maven/" + group + "/"
                + artifact + "/pom.properties")) {
            java.util.Properties properties = new java.util.Properties();
            if (in != null) {
                properties.load(in);
            }
            return properties.getProperty("version", "?");
        } catch (java.io.IOException e) {
            return "?";
        }
    }

    private static void row(StringBuilder r, Observers o, String scenario, String beacon, String curator) {
        for (String observer : new String[]{"client", "lookup"}) {
            String file = "file/" + beacon + "/" + observer;
            String redis = "redis/" + beacon + "/" + observer;
            String zookeeper = "zookeeper/" + beacon + "/" + observer;
            String eureka = "eureka/" + beacon + "/" + observer;
            String peer = "curator/" + curator + "/" + observer;
            r.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s | %s |%n",
                    observer.equals("client") ? scenario : "", observer, cell(o, file), cell(o, redis),
                    cell(o, zookeeper), cell(o, eureka), cell(o, peer),
                    Samples.ratio(o.samples(peer).percentile(50), o.samples(redis).percentile(50)),
                    Samples.ratio(o.samples(file).percentile(99), o.samples(redis).percentile(99))));
        }
    }

    private static String cell(Observers o, String name) {
        Samples s = o.samples(name);
        int missed = o.missed(name);
        if (s.size() == 0) {
            return missed > 0 ? missed + " missed" : "–";
        }
        String tail = s.size() >= 100 ? Samples.format(s.percentile(99)) : Samples.format(s.max()) + " max";
        return Samples.format(s.percentile(50)) + " / " + tail + " (n=" + s.size() + ")"
                + (missed > 0 ? ", " + missed + " missed" : "");
    }
}
