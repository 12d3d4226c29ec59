package dev.beacon.bench.jmh;

import dev.beacon.ServiceInstance;
import dev.beacon.client.DiscoveryClient;
import dev.beacon.registry.InMemoryServiceRegistry;
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

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * {@code DiscoveryClient.choose(service, key)} from a warm client — what an application calls — for each built-in
 * balancer: the client's snapshot lookup, the balancer, and the {@code Optional} it returns. Instances are registered
 * in an in-memory registry with weights 1–4 and a zone on every third.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ClientChooseBenchmark {

    @Param({"roundRobin", "random", "weightedRoundRobin", "leastInFlight", "powerOfTwoChoices", "consistentHash",
            "zonePreferring"})
    public String balancer;

    @Param({"10", "100", "1000"})
    public int instances;

    private InMemoryServiceRegistry registry;
    private DiscoveryClient client;

    @Setup
    public void setUp() {
        registry = new InMemoryServiceRegistry();
        for (int i = 0; i < instances; i++) {
            registry.register(ServiceInstance.builder("orders").id("orders-" + i)
                    .host("10.0." + (i / 250) + "." + (i % 250 + 1)).port(8080)
                    .metadata("zone", i % 3 == 0 ? "local" : "remote")
                    .metadata("weight", Integer.toString(1 + i % 4)).build(), Duration.ofHours(1));
        }
        client = DiscoveryClient.builder(registry).balancer(() -> BalancerBenchmark.create(balancer)).build();
        for (int i = 0; i < 10; i++) {
            client.choose("orders", "warm-" + i);
        }
    }

    @TearDown
    public void tearDown() {
        client.close();
        registry.close();
    }

    @Benchmark
    @Threads(1)
    public Optional<ServiceInstance> oneThread(BalancerBenchmark.Keys keys) {
        return client.choose("orders", keys.next());
    }

    @Benchmark
    @Threads(2)
    public Optional<ServiceInstance> twoThreads(BalancerBenchmark.Keys keys) {
        return client.choose("orders", keys.next());
    }
}
