package dev.beacon.springcloud;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.loadbalancer.core.ReactorLoadBalancer;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The beans of each service's load-balancer context (Spring Cloud LoadBalancer makes one per service): Beacon's
 * pushed supplier and Beacon's choice. A {@code @LoadBalancerClient(configuration = ...)} of the application still
 * overrides them for its service.
 */
@Configuration(proxyBeanMethods = false)
public class BeaconLoadBalancerConfiguration {

    @Bean
    @ConditionalOnMissingBean
    public ServiceInstanceListSupplier beaconServiceInstanceListSupplier(Environment environment,
            ObjectProvider<dev.beacon.client.DiscoveryClient> client) {
        return new BeaconServiceInstanceListSupplier(environment.getProperty(LoadBalancerClientFactory.PROPERTY_NAME),
                client.getObject());
    }

    @Bean
    @ConditionalOnMissingBean
    public ReactorLoadBalancer<ServiceInstance> beaconLoadBalancer(Environment environment,
            ObjectProvider<dev.beacon.client.DiscoveryClient> client) {
        return new BeaconLoadBalancer(environment.getProperty(LoadBalancerClientFactory.PROPERTY_NAME),
                client.getObject());
    }
}
