package dev.beacon.springcloud;

import dev.beacon.client.DiscoveryClient;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/** Spring Boot 3's {@code /actuator/health} component {@code beacon} (see {@link BeaconHealth}). */
@AutoConfiguration(after = BeaconDiscoveryAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(DiscoveryClient.class)
@ConditionalOnProperty(name = "management.health.beacon.enabled", matchIfMissing = true)
public class BeaconHealthAutoConfiguration {

    @Bean(name = "beaconHealthIndicator")
    @ConditionalOnMissingBean(name = "beaconHealthIndicator")
    public HealthIndicator beaconHealthIndicator(DiscoveryClient client, Environment environment) {
        BeaconHealth health = new BeaconHealth(client, BeaconSettings.from(environment).maskedRegistry());
        return new AbstractHealthIndicator("Beacon health check failed") {
            @Override
            protected void doHealthCheck(Health.Builder builder) {
                BeaconHealth.Report report = health.check();
                (report.up() ? builder.up() : builder.down()).withDetails(report.details());
            }
        };
    }
}
