package dev.beacon.registry.zookeeper.internal;

import dev.beacon.ServiceInstance;
import dev.beacon.Status;
import dev.beacon.registry.spi.InstanceCodec;
import dev.beacon.registry.spi.InstanceCodec.InvalidEntryException;
import dev.beacon.registry.zookeeper.internal.ZooKeeperRegistryUri.PayloadStyle;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CuratorPayloadTest {

    private static final ServiceInstance ORDERS = ServiceInstance.builder("orders").id("o-1").host("10.0.0.5")
            .port(8080).status(Status.DRAINING).metadata(Map.of("version", "1.4")).ports(Map.of("admin", 9090)).build();

    private static CuratorPayload.Entry decode(String json) {
        return CuratorPayload.decode("orders", "o-1", json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void encode_thenDecode_givesTheInstanceAndTtlBack_inCuratorsShape() {
        byte[] bytes = CuratorPayload.encode(ORDERS, Duration.ofSeconds(9), PayloadStyle.SPRING_CLOUD, 1234L);

        Map<String, Object> node = InstanceCodec.parse(bytes);
        assertThat(node).containsEntry("name", "orders").containsEntry("id", "o-1").containsEntry("address", "10.0.0.5")
                .containsEntry("port", 8080L).containsEntry("registrationTimeUTC", 1234L)
                .containsEntry("serviceType", "DYNAMIC").containsEntry("enabled", false);
        Map<String, Object> payload = InstanceCodec.object(node, "payload");
        assertThat(payload).containsEntry("@class", CuratorPayload.SPRING_CLASS).containsEntry("id", "o-1")
                .containsEntry("name", "orders");
        assertThat(InstanceCodec.object(payload, "metadata")).containsEntry("version", "1.4")
                .containsEntry("instance_status", "DRAINING");
        CuratorPayload.Entry entry = CuratorPayload.decode("orders", "o-1", bytes);
        assertThat(entry.instance()).isEqualTo(ORDERS);
        assertThat(entry.ttlMillis()).isEqualTo(9000);
    }

    @Test
    void decode_foreignNodes_metadataFromAMapPayloadOnly_neverAnError() {
        String head = "{\"name\":\"orders\",\"id\":\"o-1\",\"address\":\"10.0.0.5\",\"port\":8080,";
        assertThat(decode(head + "\"payload\":{\"metadata\":{\"zone\":\"eu\",\"n\":3}}}").instance().metadata())
                .isEqualTo(Map.of("zone", "eu"));
        assertThat(decode(head + "\"payload\":{\"@class\":\"x.Y\",\"team\":\"a\"}}").instance().metadata())
                .isEqualTo(Map.of("team", "a"));
        assertThat(decode(head + "\"payload\":\"text\"}").instance().metadata()).isEmpty();
        assertThat(decode(head + "\"payload\":[1,2]}").instance().metadata()).isEmpty();
        assertThat(decode(head + "\"payload\":{\"metadata\":{\"instance_status\":\"OUT_OF_SERVICE\"}}}").instance()
                .status()).isEqualTo(Status.DOWN);
        assertThat(decode(head + "\"payload\":null}").ttlMillis()).isZero();
        assertThat(decode("{\"address\":\"10.0.0.5\",\"port\":null,\"sslPort\":8443}").instance().port())
                .isEqualTo(8443);
    }

    @Test
    void decode_noAddressOrPort_isInvalid() {
        assertThrows(InvalidEntryException.class, () -> decode("{\"address\":\"10.0.0.5\"}"));
        assertThrows(InvalidEntryException.class, () -> decode("{\"port\":80}"));
        assertThrows(InvalidEntryException.class, () -> decode("[]"));
    }
}
