package dev.beacon.registry.redis.internal;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RedisKeysTest {

    private final RedisKeys keys = new RedisKeys("staging");

    @Test
    void of_service_keysShareItsHashTag() {
        ServiceKeys orders = keys.of("orders");

        assertThat(orders.instances()).isEqualTo("staging:{orders}:i");
        assertThat(orders.leases()).isEqualTo("staging:{orders}:l");
        assertThat(orders.channel()).isEqualTo("staging:{orders}:events");
        assertThat(orders.all()).containsExactly("staging:{orders}:i", "staging:{orders}:l", "staging:{orders}:m",
                "staging:{orders}:md");
        assertThat(keys.index()).isEqualTo("staging:services");
    }

    @Test
    void of_nameThatCouldBreakOutOfItsKey_isRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> keys.of("orders}:i"));

        assertThat(e.getMessage()).contains("must match");
    }
}
