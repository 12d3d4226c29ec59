package dev.beacon.registry;

import dev.beacon.registry.redis.RedisServiceRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@link Registries} with beacon-redis on the class path: its schemes are found through the provider SPI. */
class RedisRegistriesTest {

    @Test
    void schemes_withRedisModule_addTheFourRedisSchemes() {
        assertThat(Registries.schemes()).containsExactly("file:", "memory:", "redis-cluster:", "redis-sentinel:",
                "redis:", "rediss:");
    }

    @Test
    void open_redis_returnsRedisRegistryWithoutConnecting() {
        // port 1 has no server: opening must not connect (problems surface on first use)
        try (ServiceRegistry registry = Registries.open("redis://127.0.0.1:1")) {
            assertThat(registry).isInstanceOf(RedisServiceRegistry.class);
        }
    }

    @Test
    void hosts_redisUris_listEveryHost() {
        assertThat(Registries.hosts("redis://10.0.0.7:6379")).containsExactly("10.0.0.7");
        assertThat(Registries.hosts("redis-sentinel://:pw@s1:26379,s2:26379/mymaster")).containsExactly("s1", "s2");
    }

    @Test
    void checkUri_badRedisUri_throwsNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Registries.checkUri("redis://h:notaport"));

        assertThat(e.getMessage()).contains("redis://h:notaport");
    }

    @Test
    void unknownScheme_withRedisModule_listsRedisSchemesToo() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Registries.open("zk://zoo-1:2181/beacon"));

        assertThat(e.getMessage()).isEqualTo("unknown registry 'zk://zoo-1:2181/beacon': scheme 'zk' is not supported; "
                + "supported schemes: file:, memory:, redis-cluster:, redis-sentinel:, redis:, rediss:");
    }
}
