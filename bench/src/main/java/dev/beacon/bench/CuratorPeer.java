package dev.beacon.bench;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.apache.curator.x.discovery.ServiceDiscoveryBuilder;
import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.curator.x.discovery.ServiceProvider;
import org.apache.curator.x.discovery.strategies.RoundRobinStrategy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The peer's propagation scenarios: Apache Curator's service discovery on a real ZooKeeper server started in this JVM
 * ({@code curator-test}'s {@link TestingServer}, tickTime 2 s as in ZooKeeper's sample configuration, so sessions may
 * last 4 s to 40 s). Observers are a {@link ServiceProvider} (backed by a {@code ServiceCache}, Curator's watching
 * client) and {@code queryForInstances()} (Curator's uncached read), each with its own ZooKeeper connection.
 * <ul>
 *   <li>{@code register} / {@code unregister}: {@code registerService()} / {@code unregisterService()} from a
 *       registrant in this JVM (no JVM start or shutdown in the path);</li>
 *   <li>{@code crash-min}, {@code crash-default}: a registrant JVM ({@link CuratorRegistrant}) killed with SIGKILL,
 *       so its ephemeral node goes only when its session expires: the minimal session the server allows
 *       (2 × tickTime) and Curator's default (60 s asked, capped by the server at 20 × tickTime).</li>
 * </ul>
 */
final class CuratorPeer implements AutoCloseable {

    static final String BASE_PATH = "/services";
    static final int TICK_MILLIS = 2_000;

    private final Observers observers;
    private final TestingServer zookeeper;
    private final CuratorFramework registrantClient;
    private final CuratorFramework observerClient;
    private final ServiceDiscovery<Void> registrant;
    private final ServiceDiscovery<Void> observer;
    private final List<Integer> negotiatedSessions = new ArrayList<>();

    private CuratorPeer(Observers observers, TestingServer zookeeper, CuratorFramework registrantClient,
                        CuratorFramework observerClient) throws Exception {
        this.observers = observers;
        this.zookeeper = zookeeper;
        this.registrantClient = registrantClient;
        this.observerClient = observerClient;
        this.registrant = discovery(registrantClient);
        this.observer = discovery(observerClient);
    }

    static CuratorPeer start(Observers observers) throws Exception {
        TestingServer zookeeper = new TestingServer(new InstanceSpec(null, -1, -1, -1, true, -1, TICK_MILLIS, -1),
                true);
        return new CuratorPeer(observers, zookeeper, client(zookeeper.getConnectString()),
                client(zookeeper.getConnectString()));
    }

    String connectString() {
        return zookeeper.getConnectString();
    }

    private static CuratorFramework client(String connect) throws InterruptedException {
        CuratorFramework client = CuratorFrameworkFactory.newClient(connect, new RetryOneTime(100));
        client.start();
        if (!client.blockUntilConnected(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("cannot connect to ZooKeeper at " + connect);
        }
        return client;
    }

    private static ServiceDiscovery<Void> discovery(CuratorFramework client) throws Exception {
        ServiceDiscovery<Void> discovery = ServiceDiscoveryBuilder.builder(Void.class).client(client)
                .basePath(BASE_PATH).build();
        discovery.start();
        return discovery;
    }

    private ServiceProvider<Void> provider(String service) throws Exception {
        ServiceProvider<Void> provider = observer.serviceProviderBuilder().serviceName(service)
                .providerStrategy(new RoundRobinStrategy<>()).build();
        provider.start();
        return provider;
    }

    private static boolean contains(ServiceProvider<Void> provider, String id) throws Exception {
        for (ServiceInstance<Void> instance : provider.getAllInstances()) {
            if (instance.getId().equals(id)) {
                return true;
            }
        }
        return false;
    }

    private boolean listed(String service, String id) throws Exception {
        for (ServiceInstance<Void> instance : observer.queryForInstances(service)) {
            if (instance.getId().equals(id)) {
                return true;
            }
        }
        return false;
    }

    /** {@code reps} register/unregister cycles of one instance (a new id each time). */
    void registerAndUnregister(int reps) throws Exception {
        String service = "prop-curator";
        try (ServiceProvider<Void> provider = provider(service)) {
            for (int rep = 0; rep < reps; rep++) {
                String id = "rep-" + rep;
                ServiceInstance<Void> instance = ServiceInstance.<Void>builder().name(service).id(id)
                        .address("127.0.0.1").port(8080).build();
                CompletableFuture<Long> byClient = observers.when(() -> unchecked(() -> contains(provider, id)
                        && provider.getInstance() != null), 20, Duration.ofSeconds(10));
                CompletableFuture<Long> byLookup = observers.when(() -> unchecked(() -> listed(service, id)), 50,
                        Duration.ofSeconds(10));
                Thread.sleep(50);
                long start = Samples.epochMicros();
                registrant.registerService(instance);
                observers.record("curator/register/client", start, byClient);
                observers.record("curator/register/lookup", start, byLookup);

                byClient = observers.when(() -> unchecked(() -> !contains(provider, id)), 20, Duration.ofSeconds(10));
                byLookup = observers.when(() -> unchecked(() -> !listed(service, id)), 50, Duration.ofSeconds(10));
                Thread.sleep(50);
                start = Samples.epochMicros();
                registrant.unregisterService(instance);
                observers.record("curator/unregister/client", start, byClient);
                observers.record("curator/unregister/lookup", start, byLookup);
            }
        }
    }

    /** A crash whose registrants are killed and whose observers are running; {@link #finish()} records it. */
    final class Crash {
        private final String scenario;
        private final List<Child> registrants;
        private final ServiceProvider<Void> provider;
        private final long[] killed;
        private final List<CompletableFuture<Long>> byClient;
        private final List<CompletableFuture<Long>> byLookup;

        private Crash(String scenario, List<Child> registrants, ServiceProvider<Void> provider, long[] killed,
                      List<CompletableFuture<Long>> byClient, List<CompletableFuture<Long>> byLookup) {
            this.scenario = scenario;
            this.registrants = registrants;
            this.provider = provider;
            this.killed = killed;
            this.byClient = byClient;
            this.byLookup = byLookup;
        }

        /** Waits for every observation (up to the session timeout and more) and records it. */
        void finish() throws Exception {
            try {
                for (int i = 0; i < killed.length; i++) {
                    observers.record("curator/" + scenario + "/client", killed[i], byClient.get(i));
                    observers.record("curator/" + scenario + "/lookup", killed[i], byLookup.get(i));
                }
            } finally {
                registrants.forEach(Child::close);
                provider.close();
            }
        }
    }

    /** {@code reps} registrant JVMs killed with SIGKILL, waited for; {@code sessionMillis} 0 is Curator's default. */
    void crash(String scenario, int sessionMillis, int reps) throws Exception {
        startCrash(scenario, sessionMillis, reps).finish();
    }

    /**
     * Starts {@code reps} registrant JVMs (in parallel), waits until the cache holds them all, and kills them with
     * SIGKILL; the returned crash is still being observed (other work can run meanwhile: the sessions take their
     * time to expire). {@code sessionMillis} 0 is Curator's default.
     */
    Crash startCrash(String scenario, int sessionMillis, int reps) throws Exception {
        String service = "crash-curator-" + scenario;
        List<Child> registrants = new ArrayList<>();
        ServiceProvider<Void> provider = provider(service);
        try {
            for (int i = 0; i < reps; i++) {
                registrants.add(Child.java(List.of(), CuratorRegistrant.class, connectString(),
                        Integer.toString(sessionMillis), service, "i-" + i));
            }
            for (int i = 0; i < reps; i++) {
                String line = registrants.get(i).await("registered ", Duration.ofSeconds(60));
                synchronized (negotiatedSessions) {
                    negotiatedSessions.add(Integer.parseInt(line.split(" ")[1]));
                }
                String id = "i-" + i;
                if (observers.when(() -> unchecked(() -> contains(provider, id)), 1_000, Duration.ofSeconds(10))
                        .join() < 0) {
                    throw new IllegalStateException("Curator instance " + id + " never appeared in the cache");
                }
            }
            Duration timeout = Duration.ofSeconds(90);
            // the default session runs 40 s alongside Beacon's scenarios: poll it gently (10 ms is ample there)
            long poll = sessionMillis == 0 ? 10_000 : 1_000;
            List<CompletableFuture<Long>> byClient = new ArrayList<>();
            List<CompletableFuture<Long>> byLookup = new ArrayList<>();
            for (int i = 0; i < reps; i++) {
                String id = "i-" + i;
                byClient.add(observers.when(() -> unchecked(() -> !contains(provider, id)), poll, timeout));
                byLookup.add(observers.when(() -> unchecked(() -> !listed(service, id)), poll, timeout));
            }
            Thread.sleep(20);
            long[] killed = new long[reps];
            for (int i = 0; i < reps; i++) {
                killed[i] = Samples.epochMicros();
                registrants.get(i).kill();
            }
            return new Crash(scenario, registrants, provider, killed, byClient, byLookup);
        } catch (Exception | Error e) {
            registrants.forEach(Child::close);
            provider.close();
            throw e;
        }
    }

    /** The session timeouts the server granted the crash registrants, e.g. "4000, 40000 ms". */
    String negotiatedSessions() {
        synchronized (negotiatedSessions) {
            return negotiatedSessions.stream().distinct().map(String::valueOf).reduce((a, b) -> a + ", " + b)
                    .orElse("–") + " ms";
        }
    }

    private interface Check {
        boolean get() throws Exception;
    }

    private static boolean unchecked(Check check) {
        try {
            return check.get();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws Exception {
        observer.close();
        registrant.close();
        observerClient.close();
        registrantClient.close();
        zookeeper.close();
    }
}
