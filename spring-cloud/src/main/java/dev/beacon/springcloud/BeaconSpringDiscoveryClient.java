package dev.beacon.springcloud;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;

import java.util.List;
import java.util.Objects;

/**
 * Spring Cloud's {@link DiscoveryClient} over Beacon's: {@link #getInstances} reads the client's local snapshot
 * (kept current by the registry's pushed events), so it offers exactly the instances Beacon would route to (UP, not
 * ejected, passing the configured filters). Thread-safe.
 */
public final class BeaconSpringDiscoveryClient implements DiscoveryClient {

    private final dev.beacon.client.DiscoveryClient client;

    public BeaconSpringDiscoveryClient(dev.beacon.client.DiscoveryClient client) {
        this.client = Objects.requireNonNull(client, "client");
    }

    @Override
    public String description() {
        return "Beacon discovery client on " + client.registry();
    }

    @Override
    public List<ServiceInstance> getInstances(String serviceId) {
        return client.instances(serviceId).stream().<ServiceInstance>map(BeaconServiceInstance::new).toList();
    }

    @Override
    public List<String> getServices() {
        return client.registry().services().stream().sorted().toList();
    }

    @Override
    public void probe() {
        client.registry().services();
    }

    @Override
    public int getOrder() {
        return DiscoveryClient.DEFAULT_ORDER;
    }
}
