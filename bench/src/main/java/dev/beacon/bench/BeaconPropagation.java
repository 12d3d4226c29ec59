package dev.beacon.bench;

import dev.beacon.client.DiscoveryClient;
import dev.beacon.registry.Registries;
import dev.beacon.registry.ServiceRegistry;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Beacon's propagation scenarios on one registry: app JVMs started with the real agent jar, observed from this JVM by
 * a {@link DiscoveryClient} (kept current by the registry's watch) and by plain {@code registry.instances()} reads.
 * <ul>
 *   <li>{@code register-cold}: from just before the app's first {@code bind()} (the agent loaded, its thread idle)
 *       to visible: the agent's first registration in a fresh JVM, opening its registry connection;</li>
 *   <li>{@code register}: the same for the app's next binds in that JVM (it closed its socket, the agent
 *       deregistered, it binds again): the agent warm;</li>
 *   <li>{@code close}: from the app's {@code close()} of its socket to not chosen (the agent notices on its next
 *       tick, every 250 ms);</li>
 *   <li>{@code sigterm}: from SIGTERM to the client no longer choosing it / the read no longer returning it;</li>
 *   <li>{@code crash-short}, {@code crash-default}: from SIGKILL to the same, with a short TTL and the default
 *       one.</li>
 * </ul>
 */
final class BeaconPropagation {

    static final Duration SHORT_TTL = Duration.ofSeconds(1);
    /** The agent's default ttl (AgentConfigParser.DEFAULT_TTL), passed explicitly so the scenario says what it ran. */
    static final Duration DEFAULT_TTL = Duration.ofSeconds(9);

    private final String label;
    private final String registryUri;
    private final ServiceRegistry registry;
    private final Path agentJar;
    private final Observers observers;
    /** How often the plain-read observer reads: 50 µs, or more where each read is an HTTP request (Eureka). */
    private final long lookupPollMicros;
    /** How long a change may take before it counts as missed: 10 s, more where the engine caches (Eureka's defaults). */
    private final Duration timeout;

    BeaconPropagation(String label, String registryUri, ServiceRegistry registry, Path agentJar, Observers observers) {
        this(label, registryUri, registry, agentJar, observers, 50);
    }

    BeaconPropagation(String label, String registryUri, ServiceRegistry registry, Path agentJar, Observers observers,
                      long lookupPollMicros) {
        this(label, registryUri, registry, agentJar, observers, lookupPollMicros, Duration.ofSeconds(10));
    }

    BeaconPropagation(String label, String registryUri, ServiceRegistry registry, Path agentJar, Observers observers,
                      long lookupPollMicros, Duration timeout) {
        this.timeout = timeout;
        this.label = label;
        this.registryUri = registryUri;
        this.registry = registry;
        this.agentJar = agentJar;
        this.observers = observers;
        this.lookupPollMicros = lookupPollMicros;
    }

    /** {@code jvms} app JVMs, each bound {@code 1 + rebinds} times, then stopped with SIGTERM. */
    void registerAndSigterm(int jvms, int rebinds) throws Exception {
        try (ServiceRegistry own = Registries.open(registryUri);
             DiscoveryClient client = DiscoveryClient.builder(own).build()) {
            for (int rep = 0; rep < jvms; rep++) {
                String service = "prop-" + label;
                client.choose(service); // subscribes the client to the service's watch before the app starts
                try (Child app = startApp(service, null)) {
                    app.await("ready", Duration.ofSeconds(30));
                    for (int bind = 0; bind <= rebinds; bind++) {
                        String scenario = bind == 0 ? "register-cold" : "register";
                        CompletableFuture<Long> byClient = observers.when(() -> client.choose(service).isPresent(),
                                20, timeout);
                        CompletableFuture<Long> byLookup = observers.when(() -> !registry.instances(service)
                                .isEmpty(), lookupPollMicros, timeout);
                        Thread.sleep(50); // both observers polling before the bind
                        app.send("bind");
                        long bound = Long.parseLong(app.await("bound ", Duration.ofSeconds(10)).split(" ")[1]);
                        observers.record(label + "/" + scenario + "/client", bound, byClient);
                        observers.record(label + "/" + scenario + "/lookup", bound, byLookup);
                        if (bind < rebinds) {
                            byClient = observers.when(() -> client.choose(service).isEmpty(), 20, timeout);
                            byLookup = observers.when(() -> registry.instances(service).isEmpty(), lookupPollMicros,
                                    timeout);
                            Thread.sleep(50);
                            app.send("close");
                            long closed = Long.parseLong(app.await("closed ", Duration.ofSeconds(10)).split(" ")[1]);
                            observers.record(label + "/close/client", closed, byClient);
                            observers.record(label + "/close/lookup", closed, byLookup);
                        }
                    }

                    CompletableFuture<Long> byClient = observers.when(() -> client.choose(service).isEmpty(), 20,
                            timeout);
                    CompletableFuture<Long> byLookup = observers.when(() -> registry.instances(service).isEmpty(),
                            lookupPollMicros, timeout);
                    Thread.sleep(50);
                    long signalled = Samples.epochMicros();
                    app.terminate();
                    observers.record(label + "/sigterm/client", signalled, byClient);
                    observers.record(label + "/sigterm/lookup", signalled, byLookup);
                    app.waitFor(Duration.ofSeconds(20));
                }
            }
        }
    }

    /**
     * {@code reps} crashes in batches of up to {@code parallel} app JVMs (one service each; each is killed and timed
     * on its own, so one lease's expiry does not wait for another's).
     */
    void crash(String scenario, Duration ttl, int reps, int parallel) throws Exception {
        int done = 0;
        while (done < reps) {
            int batch = Math.min(parallel, reps - done);
            List<Child> apps = new ArrayList<>();
            List<String> services = new ArrayList<>();
            try (ServiceRegistry own = Registries.open(registryUri);
                 DiscoveryClient client = DiscoveryClient.builder(own).build()) {
                for (int i = 0; i < batch; i++) {
                    String service = "crash-" + label + "-" + scenario + "-" + (done + i);
                    client.choose(service);
                    services.add(service);
                    apps.add(startApp(service, ttl));
                }
                for (int i = 0; i < batch; i++) {
                    apps.get(i).await("ready", Duration.ofSeconds(60));
                    apps.get(i).send("bind");
                    apps.get(i).await("bound ", Duration.ofSeconds(10));
                    String service = services.get(i);
                    if (observers.when(() -> client.choose(service).isPresent(), 1_000, timeout).join() < 0) {
                        throw new IllegalStateException(service + " was never registered; app stderr:\n"
                                + apps.get(i).stderrTail());
                    }
                }
                List<CompletableFuture<Long>> byClient = new ArrayList<>();
                List<CompletableFuture<Long>> byLookup = new ArrayList<>();
                for (String service : services) {
                    Duration gone = ttl.plus(timeout);
                    byClient.add(observers.when(() -> client.choose(service).isEmpty(), 1_000, gone));
                    byLookup.add(observers.when(() -> registry.instances(service).isEmpty(),
                            Math.max(1_000, lookupPollMicros), gone));
                }
                Thread.sleep(20);
                long[] killed = new long[batch];
                for (int i = 0; i < batch; i++) {
                    killed[i] = Samples.epochMicros();
                    apps.get(i).kill();
                }
                for (int i = 0; i < batch; i++) {
                    observers.record(label + "/" + scenario + "/client", killed[i], byClient.get(i));
                    observers.record(label + "/" + scenario + "/lookup", killed[i], byLookup.get(i));
                }
            } finally {
                apps.forEach(Child::close);
            }
            done += batch;
        }
    }

    private Child startApp(String service, Duration ttl) throws Exception {
        String args = "service=" + service + ",registry=" + registryUri + ",log=error"
                + (ttl == null ? "" : ",ttl=" + ttl.toMillis() + "ms");
        return Child.java(List.of("-javaagent:" + agentJar + "=" + args), PropagationApp.class);
    }
}
