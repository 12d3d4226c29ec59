package dev.beacon.springcloud;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.DefaultResponse;
import org.springframework.cloud.client.loadbalancer.EmptyResponse;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.loadbalancer.core.ReactorServiceInstanceLoadBalancer;
import reactor.core.publisher.Mono;

import java.util.Objects;

/**
 * Spring Cloud LoadBalancer's choice for one service made by Beacon's client: its balancer
 * ({@code beacon.discovery.balancer}), zone preference, panic mode and outlier ejection, over the same pushed
 * snapshot the {@link BeaconServiceInstanceListSupplier} shows. Costs a map lookup and the balancer; no I/O.
 */
public final class BeaconLoadBalancer implements ReactorServiceInstanceLoadBalancer {

    private final String serviceId;
    private final dev.beacon.client.DiscoveryClient client;

    public BeaconLoadBalancer(String serviceId, dev.beacon.client.DiscoveryClient client) {
        this.serviceId = Objects.requireNonNull(serviceId, "serviceId");
        this.client = Objects.requireNonNull(client, "client");
    }

    @Override
    public Mono<Response<ServiceInstance>> choose(Request request) {
        return Mono.fromSupplier(() -> client.choose(serviceId)
                .<Response<ServiceInstance>>map(instance -> new DefaultResponse(new BeaconServiceInstance(instance)))
                .orElseGet(EmptyResponse::new));
    }
}
