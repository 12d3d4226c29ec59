package dev.beacon.springcloud;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.ReactiveDiscoveryClient;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

import java.util.Objects;

/**
 * The reactive face of {@link BeaconSpringDiscoveryClient}. {@link #getInstances} reads the local snapshot (no I/O
 * after a service's first read); {@link #getServices} asks the registry, on the bounded-elastic scheduler.
 */
public final class BeaconReactiveDiscoveryClient implements ReactiveDiscoveryClient {

    private final BeaconSpringDiscoveryClient blocking;

    public BeaconReactiveDiscoveryClient(BeaconSpringDiscoveryClient blocking) {
        this.blocking = Objects.requireNonNull(blocking, "blocking");
    }

    @Override
    public String description() {
        return "Beacon reactive discovery client";
    }

    @Override
    public Flux<ServiceInstance> getInstances(String serviceId) {
        return Flux.defer(() -> Flux.fromIterable(blocking.getInstances(serviceId)));
    }

    @Override
    public Flux<String> getServices() {
        return Flux.defer(() -> Flux.fromIterable(blocking.getServices())).subscribeOn(Schedulers.boundedElastic());
    }

    @Override
    public int getOrder() {
        return ReactiveDiscoveryClient.DEFAULT_ORDER;
    }
}
