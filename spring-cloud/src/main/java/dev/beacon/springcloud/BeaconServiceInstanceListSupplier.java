package dev.beacon.springcloud;

import dev.beacon.registry.Subscription;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

import java.util.List;
import java.util.Objects;

/**
 * Spring Cloud LoadBalancer's list of instances for one service, fed by {@link
 * dev.beacon.client.DiscoveryClient#watch}: the registry pushes a change and the next {@link #get()} has it, with
 * no cache in between (Spring Cloud LoadBalancer's own caching supplier keeps a list for 35 s by default).
 * {@link #get()} emits the current list first, then every change; a balancer takes the first. Thread-safe.
 */
public final class BeaconServiceInstanceListSupplier implements ServiceInstanceListSupplier, DisposableBean {

    private final String serviceId;
    private final Sinks.Many<List<ServiceInstance>> lists = Sinks.many().replay().latest();
    private final Subscription subscription;

    public BeaconServiceInstanceListSupplier(String serviceId, dev.beacon.client.DiscoveryClient client) {
        this.serviceId = Objects.requireNonNull(serviceId, "serviceId");
        // Under the client's lock, in order: one emitter at a time, as the sink wants.
        this.subscription = client.watch(serviceId, instances -> lists.emitNext(
                instances.stream().<ServiceInstance>map(BeaconServiceInstance::new).toList(),
                Sinks.EmitFailureHandler.FAIL_FAST));
    }

    @Override
    public String getServiceId() {
        return serviceId;
    }

    @Override
    public Flux<List<ServiceInstance>> get() {
        return lists.asFlux();
    }

    @Override
    public void destroy() {
        subscription.close();
        lists.tryEmitComplete();
    }
}
