package dev.beacon.springcloud;

import dev.beacon.registry.Registries;
import dev.beacon.registry.ServiceRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.client.discovery.ReactiveDiscoveryClient;
import org.springframework.cloud.loadbalancer.annotation.LoadBalancerClients;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Beacon as Spring Cloud's discovery: the registry named by {@code beacon.registry}, one Beacon discovery client,
 * Spring Cloud's {@link DiscoveryClient} and {@link ReactiveDiscoveryClient} over it, and (when Spring Cloud
 * LoadBalancer is present) Beacon's supplier and choice for every {@code @LoadBalanced} client, OpenFeign client and
 * Gateway {@code lb://} route. {@code beacon.discovery.enabled=false} turns all of it off. Registers nothing: the
 * agent registers the application.
 */
@AutoConfiguration(beforeName = {
        "org.springframework.cloud.client.discovery.simple.SimpleDiscoveryClientAutoConfiguration",
        "org.springframework.cloud.client.discovery.simple.reactive.SimpleReactiveDiscoveryClientAutoConfiguration",
        "org.springframework.cloud.client.CommonsClientAutoConfiguration",
        "org.springframework.cloud.client.ReactiveCommonsClientAutoConfiguration",
        "org.springframework.cloud.loadbalancer.config.LoadBalancerAutoConfiguration",
        "org.springframework.cloud.client.loadbalancer.LoadBalancerAutoConfiguration"})
@ConditionalOnProperty(name = "beacon.discovery.enabled", matchIfMissing = true)
public class BeaconDiscoveryAutoConfiguration {

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public ServiceRegistry beaconServiceRegistry(Environment environment) {
        return Registries.open(BeaconSettings.from(environment).registry());
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public dev.beacon.client.DiscoveryClient beaconDiscoveryClient(ServiceRegistry registry, Environment environment) {
        return BeaconSettings.from(environment).configure(dev.beacon.client.DiscoveryClient.builder(registry)).build();
    }

    @Bean
    @ConditionalOnMissingBean
    public BeaconSpringDiscoveryClient beaconSpringDiscoveryClient(dev.beacon.client.DiscoveryClient client) {
        return new BeaconSpringDiscoveryClient(client);
    }

    @Bean
    @ConditionalOnMissingBean
    public BeaconReactiveDiscoveryClient beaconReactiveDiscoveryClient(BeaconSpringDiscoveryClient blocking) {
        return new BeaconReactiveDiscoveryClient(blocking);
    }

    /**
     * Beacon's beans in every service's load-balancer context; {@code beacon.discovery.load-balancer.enabled=false}
     * leaves Spring Cloud LoadBalancer's own (its caching supplier over the discovery client above, round robin).
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier")
    @ConditionalOnProperty(name = "beacon.discovery.load-balancer.enabled", matchIfMissing = true)
    @LoadBalancerClients(defaultConfiguration = BeaconLoadBalancerConfiguration.class)
    static class LoadBalancing {
    }
}
