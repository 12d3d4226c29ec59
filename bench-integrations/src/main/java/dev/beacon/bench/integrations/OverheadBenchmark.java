package dev.beacon.bench.integrations;

import dev.beacon.ServiceInstance;
import dev.beacon.Status;
import dev.beacon.client.Call;
import dev.beacon.client.DiscoveryClient;
import dev.beacon.registry.InMemoryServiceRegistry;
import dev.beacon.springcloud.BeaconLoadBalancer;
import dev.beacon.springcloud.BeaconServiceInstanceListSupplier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.springframework.cloud.client.loadbalancer.DefaultRequest;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.loadbalancer.core.RoundRobinLoadBalancer;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What each integration adds per call over {@code DiscoveryClient.choose()}, with three instances in a memory
 * registry and round robin: the call record of {@code DiscoveryHttpClient} ({@code begin}/{@code close}), the choice
 * of a {@code @LoadBalanced} client (Beacon's load balancer through Reactor), and Spring Cloud's own round robin over
 * Beacon's pushed supplier. gRPC has no Beacon code per call (the resolver pushes addresses; grpc-java picks).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class OverheadBenchmark {

    private InMemoryServiceRegistry registry;
    private DiscoveryClient client;
    private BeaconLoadBalancer beaconLoadBalancer;
    private BeaconServiceInstanceListSupplier supplier;
    private RoundRobinLoadBalancer springRoundRobin;
    private final DefaultRequest<Object> request = new DefaultRequest<>();

    @Setup
    public void setUp() {
        registry = new InMemoryServiceRegistry();
        for (int i = 0; i < 3; i++) {
            registry.register(ServiceInstance.builder("orders").id("app-" + i).host("127.0.0.1").port(8080 + i)
                    .status(Status.UP).build(), Duration.ofHours(1));
        }
        client = DiscoveryClient.builder(registry).build();
        client.choose("orders");
        beaconLoadBalancer = new BeaconLoadBalancer("orders", client);
        supplier = new BeaconServiceInstanceListSupplier("orders", client);
        springRoundRobin = new RoundRobinLoadBalancer(new org.springframework.beans.factory.ObjectProvider<>() {
            @Override
            public org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier getObject(Object... args) {
                return supplier;
            }

            @Override
            public org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier getIfAvailable() {
                return supplier;
            }

            @Override
            public org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier getIfUnique() {
                return supplier;
            }

            @Override
            public org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier getObject() {
                return supplier;
            }
        }, "orders");
    }

    @TearDown
    public void tearDown() {
        supplier.destroy();
        client.close();
        registry.close();
    }

    @Benchmark
    public Object directChoose() {
        return client.choose("orders");
    }

    @Benchmark
    public Object recordedCall() {
        try (Call call = client.begin("orders")) {
            return call.instance();
        }
    }

    @Benchmark
    public Object springBeaconLoadBalancer() {
        Response<org.springframework.cloud.client.ServiceInstance> response = beaconLoadBalancer.choose(request)
                .block();
        return response.getServer();
    }

    @Benchmark
    public Object springRoundRobinOverPushedSupplier() {
        return springRoundRobin.choose(request).block().getServer();
    }

    static List<String> names() {
        return List.of("directChoose", "recordedCall", "springBeaconLoadBalancer",
                "springRoundRobinOverPushedSupplier");
    }
}
