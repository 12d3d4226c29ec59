package dev.beacon.registry.eureka.internal;

import dev.beacon.ServiceInstance;
import dev.beacon.Status;
import dev.beacon.registry.spi.InstanceCodec;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class EurekaJsonTest {

    private static final ServiceInstance ORDERS = ServiceInstance.builder("orders").id("o-1").host("10.0.0.7")
            .port(8080).status(Status.DRAINING).metadata("version", "2.0").metadata("beacon.custom", "x")
            .ports(Map.of("admin", 9090)).build();

    @SuppressWarnings("unchecked")
    @Test
    void registration_eurekaFieldsAndBeaconKeysInTheMetadata() {
        Map<String, Object> body = (Map<String, Object>) InstanceCodec.parse(
                EurekaJson.registration(ORDERS, Duration.ofMillis(9500), Duration.ofSeconds(3), 42)).get("instance");

        assertThat(body).containsEntry("app", "ORDERS").containsEntry("instanceId", "o-1")
                .containsEntry("ipAddr", "10.0.0.7").containsEntry("status", "OUT_OF_SERVICE")
                .containsEntry("lastDirtyTimestamp", "42");
        assertThat((Map<String, Object>) body.get("leaseInfo")).containsEntry("durationInSecs", 10L)
                .containsEntry("renewalIntervalInSecs", 3L);
        assertThat((Map<String, Object>) body.get("metadata")).containsEntry("version", "2.0")
                .containsEntry("beacon.service", "orders").containsEntry("beacon.status", "DRAINING")
                .containsEntry("beacon.ttl", "9500").containsEntry("beacon.port.admin", "9090");
    }

    @Test
    void entries_ofOurRegistrationAsEurekaReturnsIt_giveTheInstanceBack() {
        String registered = new String(EurekaJson.registration(ORDERS, Duration.ofSeconds(9), Duration.ofSeconds(3),
                1), StandardCharsets.UTF_8);
        String app = "{\"application\":{\"name\":\"ORDERS\",\"instance\":[" + registered.substring(
                "{\"instance\":".length(), registered.length() - 1).replace("\"leaseInfo\":{",
                "\"leaseInfo\":{\"registrationTimestamp\":1000,\"lastRenewalTimestamp\":14000,") + "]}}";

        List<EurekaJson.Entry> entries = EurekaJson.entries(app.getBytes(StandardCharsets.UTF_8));

        assertThat(entries).hasSize(1);
        assertThat(entries.get(0).instance()).isEqualTo(ORDERS);
        assertThat(entries.get(0).renewedAt()).as("Eureka reports a renewal a duration late").isEqualTo(5000);
        assertThat(entries.get(0).ttlMillis()).isEqualTo(9000);
    }

    @Test
    void entries_ofAnInstanceASpringClientRegistered_metadataAsItIsStatusMapped() {
        String json = "{\"applications\":{\"application\":[{\"name\":\"BILLING\",\"instance\":[{\"instanceId\":"
                + "\"host:billing:8081\",\"hostName\":\"h\",\"app\":\"BILLING\",\"ipAddr\":\"10.0.0.9\",\"status\":"
                + "\"OUT_OF_SERVICE\",\"port\":{\"$\":8081,\"@enabled\":\"true\"},\"leaseInfo\":{\"durationInSecs\":90,"
                + "\"registrationTimestamp\":5,\"lastRenewalTimestamp\":5},\"metadata\":{\"zone\":\"eu-2\"}}]}]}}";

        ServiceInstance billing = EurekaJson.entries(json.getBytes(StandardCharsets.UTF_8)).get(0).instance();

        assertThat(billing.service()).isEqualTo("billing");
        assertThat(billing.id()).as("Spring's host:app:port, in Beacon's id characters").isEqualTo("host-billing-8081");
        assertThat(billing.host()).isEqualTo("10.0.0.9");
        assertThat(billing.port()).isEqualTo(8081);
        assertThat(billing.status()).isEqualTo(Status.DOWN);
        assertThat(billing.metadata()).isEqualTo(Map.of("zone", "eu-2"));
    }
}
