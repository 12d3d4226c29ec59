package dev.beacon.springcloud;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cloud.loadbalancer.core.RoundRobinLoadBalancer;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.context.ConfigurableApplicationContext;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The auto-configuration in a plain (non-web) Boot app on a memory registry. */
class BeaconDiscoveryAutoConfigurationTest {

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class Plain {
    }

    private static ConfigurableApplicationContext run(Map<String, Object> properties) {
        Map<String, Object> all = new java.util.HashMap<>(properties);
        all.put("spring.main.banner-mode", "off");
        all.put("spring.cloud.gateway.server.webflux.enabled", "false");
        return new SpringApplicationBuilder(Plain.class).web(WebApplicationType.NONE).properties(all).run();
    }

    @Test
    void enabled_byDefault_beaconServesDiscoveryAndLoadBalancing() {
        try (ConfigurableApplicationContext context = run(Map.of("beacon.registry", "memory:"))) {
            assertThat(context.getBeansOfType(BeaconSpringDiscoveryClient.class)).hasSize(1);
            assertThat(context.getBeansOfType(BeaconReactiveDiscoveryClient.class)).hasSize(1);
            assertThat(context.getBean(LoadBalancerClientFactory.class).getInstance("orders"))
                    .isInstanceOf(BeaconLoadBalancer.class);
        }
    }

    @Test
    void discoveryDisabled_noBeaconBean() {
        try (ConfigurableApplicationContext context = run(Map.of("beacon.registry", "memory:",
                "beacon.discovery.enabled", "false"))) {
            assertThat(context.getBeansOfType(dev.beacon.client.DiscoveryClient.class)).isEmpty();
            assertThat(context.getBeansOfType(BeaconSpringDiscoveryClient.class)).isEmpty();
        }
    }

    @Test
    void loadBalancerDisabled_springCloudsOwnRoundRobinOverBeaconDiscovery() {
        try (ConfigurableApplicationContext context = run(Map.of("beacon.registry", "memory:",
                "beacon.discovery.load-balancer.enabled", "false"))) {
            assertThat(context.getBeansOfType(BeaconSpringDiscoveryClient.class)).hasSize(1);
            assertThat(context.getBean(LoadBalancerClientFactory.class).getInstance("orders"))
                    .isInstanceOf(RoundRobinLoadBalancer.class);
        }
    }

    @Test
    void badRegistry_failsTheStartNamingIt() {
        Exception e = assertThrows(Exception.class, () -> run(Map.of("beacon.registry", "zk://10.0.0.1")));

        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        assertThat(root).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("zk://10.0.0.1");
    }
}
