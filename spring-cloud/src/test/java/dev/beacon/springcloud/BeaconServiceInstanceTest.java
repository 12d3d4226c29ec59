package dev.beacon.springcloud;

import dev.beacon.ServiceInstance;
import org.junit.jupiter.api.Test;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import java.net.URI;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

class BeaconServiceInstanceTest {

    private static ServiceInstance.Builder orders() {
        return ServiceInstance.builder("orders").id("a").host("10.0.0.1").port(8080);
    }

    private static StandardEnvironment environment(Map<String, Object> properties) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("test", properties));
        return environment;
    }

    @Test
    void plain_isHttpOnPrimaryPortWithBeaconMetadata() {
        BeaconServiceInstance instance = new BeaconServiceInstance(orders().metadata("zone", "z1").build());

        assertThat(instance.isSecure()).isFalse();
        assertThat(instance.getScheme()).isEqualTo("http");
        assertThat(instance.getUri()).isEqualTo(URI.create("http://10.0.0.1:8080"));
        assertThat(instance.getMetadata()).isEqualTo(Map.of("zone", "z1"));
        assertThat(instance.getInstanceId()).isEqualTo("a");
        assertThat(instance.getServiceId()).isEqualTo("orders");
    }

    @Test
    void httpsNamedPort_isSecureOnThatPort() {
        BeaconServiceInstance instance = new BeaconServiceInstance(orders().ports(Map.of("https", 8443)).build());

        assertThat(instance.isSecure()).isTrue();
        assertThat(instance.getUri()).isEqualTo(URI.create("https://10.0.0.1:8443"));
    }

    @Test
    void secureMetadata_isSecureOnPrimaryPort() {
        BeaconServiceInstance instance = new BeaconServiceInstance(orders().metadata("secure", "true").build());

        assertThat(instance.getScheme()).isEqualTo("https");
        assertThat(instance.getPort()).isEqualTo(8080);
    }

    @Test
    void settings_badBalancer_throwsNamingIt() {
        StandardEnvironment environment = environment(Map.of("beacon.registry", "memory:",
                "beacon.discovery.balancer", "fastest"));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BeaconSettings.from(environment));
        assertThat(e.getMessage()).contains("'fastest'");
    }

    @Test
    void settings_badRegistry_throwsNamingIt() {
        StandardEnvironment environment = environment(Map.of("beacon.registry", "zk://x"));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BeaconSettings.from(environment));
        assertThat(e.getMessage()).contains("zk://x");
    }

    @Test
    void settings_filtersZoneAndBalancer_areApplied() {
        StandardEnvironment environment = environment(Map.of("beacon.registry", "memory:",
                "beacon.discovery.zone", "z1", "beacon.discovery.metadata.version", "2.*"));

        BeaconSettings settings = BeaconSettings.from(environment);

        assertThat(settings.zone()).contains("z1");
        assertThat(settings.metadata()).isEqualTo(Map.of("version", "2.*"));
    }
}
