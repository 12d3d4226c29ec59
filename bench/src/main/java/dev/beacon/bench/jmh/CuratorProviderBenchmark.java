package dev.beacon.bench.jmh;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.apache.curator.x.discovery.ServiceDiscoveryBuilder;
import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.curator.x.discovery.ServiceProvider;
import org.apache.curator.x.discovery.strategies.RoundRobinStrategy;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

import java.util.concurrent.TimeUnit;

/**
 * The peer's lookup: Curator's {@code ServiceProvider.getInstance()} with its round-robin strategy over a warm
 * {@code ServiceCache}, on a real ZooKeeper started in the benchmark's JVM. The counterpart of
 * {@link ClientChooseBenchmark} with {@code roundRobin}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CuratorProviderBenchmark {

    @Param({"10", "100", "1000"})
    public int instances;

    private TestingServer zookeeper;
    private CuratorFramework client;
    private ServiceDiscovery<Void> discovery;
    private ServiceProvider<Void> provider;

    @Setup
    public void setUp() throws Exception {
        zookeeper = new TestingServer(true);
        client = CuratorFrameworkFactory.newClient(zookeeper.getConnectString(), new RetryOneTime(100));
        client.start();
        client.blockUntilConnected();
        discovery = ServiceDiscoveryBuilder.builder(Void.class).client(client).basePath("/services").build();
        discovery.start();
        for (int i = 0; i < instances; i++) {
            discovery.registerService(ServiceInstance.<Void>builder().name("orders").id("orders-" + i)
                    .address("10.0." + (i / 250) + "." + (i % 250 + 1)).port(8080).build());
        }
        provider = discovery.serviceProviderBuilder().serviceName("orders")
                .providerStrategy(new RoundRobinStrategy<>()).build();
        provider.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (provider.getAllInstances().size() < instances) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the ServiceCache holds " + provider.getAllInstances().size()
                        + " of " + instances + " instances after 60 s");
            }
            Thread.sleep(10);
        }
    }

    @TearDown
    public void tearDown() throws Exception {
        provider.close();
        discovery.close();
        client.close();
        zookeeper.close();
    }

    @Benchmark
    @Threads(1)
    public ServiceInstance<Void> getInstance() throws Exception {
        return provider.getInstance();
    }
}
