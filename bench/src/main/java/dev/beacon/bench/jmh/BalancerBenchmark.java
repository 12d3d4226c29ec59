package dev.beacon.bench.jmh;

import dev.beacon.ServiceInstance;
import dev.beacon.balance.Endpoint;
import dev.beacon.balance.LoadBalancer;
import dev.beacon.balance.internal.TrackedEndpoint;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code choose()} of each built-in balancer on a warm, unchanged endpoint list (as a discovery client's snapshot
 * is between changes), shared by all benchmark threads like one service's balancer. The endpoints carry what the
 * balancers read: weights 1–4 (weighted round robin), in-flight counts 0–2 and latency averages of 1–2 ms (least
 * in-flight, power of two choices), a zone on every third ({@code zonePreferring("local", roundRobin())}); every
 * call passes a key from a per-thread ring of 1,024 ({@code consistentHash}; the others ignore it). The endpoints are
 * the discovery client's own ({@code TrackedEndpoint}), their statistics recorded as the client records calls.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class BalancerBenchmark {

    /** The balancers, by factory name. */
    public static final String[] BALANCERS = {"roundRobin", "random", "weightedRoundRobin", "leastInFlight",
            "powerOfTwoChoices", "consistentHash", "zonePreferring"};

    @Param({"roundRobin", "random", "weightedRoundRobin", "leastInFlight", "powerOfTwoChoices", "consistentHash",
            "zonePreferring"})
    public String balancer;

    @Param({"10", "100", "1000"})
    public int instances;

    private LoadBalancer loadBalancer;
    private List<Endpoint> endpoints;

    @Setup
    public void setUp() {
        loadBalancer = create(balancer);
        List<Endpoint> list = new ArrayList<>();
        for (int i = 0; i < instances; i++) {
            ServiceInstance instance = ServiceInstance.builder("orders").id("orders-" + i)
                    .host("10.0." + (i / 250) + "." + (i % 250 + 1)).port(8080)
                    .metadata("zone", i % 3 == 0 ? "local" : "remote").build();
            TrackedEndpoint endpoint = TrackedEndpoint.of(instance).withWeight(1 + i % 4);
            endpoint.callStarted();
            endpoint.callFinished(1_000_000L + 1_000L * i);
            for (int k = 0; k < i % 3; k++) {
                endpoint.callStarted();
            }
            list.add(endpoint);
        }
        endpoints = List.copyOf(list);
        for (int i = 0; i < 10; i++) {
            loadBalancer.choose(endpoints, "warm-" + i);
        }
    }

    static LoadBalancer create(String name) {
        return switch (name) {
            case "roundRobin" -> LoadBalancer.roundRobin();
            case "random" -> LoadBalancer.random();
            case "weightedRoundRobin" -> LoadBalancer.weightedRoundRobin();
            case "leastInFlight" -> LoadBalancer.leastInFlight();
            case "powerOfTwoChoices" -> LoadBalancer.powerOfTwoChoices();
            case "consistentHash" -> LoadBalancer.consistentHash();
            case "zonePreferring" -> LoadBalancer.zonePreferring("local", LoadBalancer.roundRobin());
            default -> throw new IllegalArgumentException("unknown balancer " + name);
        };
    }

    /** Per-thread caller keys, precomputed so the benchmark measures the balancer, not string building. */
    @State(Scope.Thread)
    public static class Keys {
        private final String[] keys = new String[1024];
        private int next;

        @Setup
        public void setUp() {
            for (int i = 0; i < keys.length; i++) {
                keys[i] = "user-" + (i * 7919);
            }
        }

        String next() {
            return keys[next++ & (keys.length - 1)];
        }
    }

    @Benchmark
    @Threads(1)
    public Endpoint oneThread(Keys keys) {
        return loadBalancer.choose(endpoints, keys.next());
    }

    @Benchmark
    @Threads(2)
    public Endpoint twoThreads(Keys keys) {
        return loadBalancer.choose(endpoints, keys.next());
    }
}
