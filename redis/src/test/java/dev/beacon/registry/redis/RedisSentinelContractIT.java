package dev.beacon.registry.redis;

import dev.beacon.ServiceInstance;
import dev.beacon.registry.ServiceRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The registry contract through Sentinel, and a master failover during use. */
class RedisSentinelContractIT extends RedisContract {

    @RegisterExtension
    static RedisServers redis = new RedisServers();

    private static SentinelSetup sentinel;

    @Override
    protected String baseUri() {
        if (sentinel == null) {
            sentinel = redis.sentinel("beacon-master");
        }
        return sentinel.uri();
    }

    @Test
    void failover_registryFollowsTheNewMaster() {
        ServiceInstance before = ServiceInstance.builder("orders").id("before").host("10.0.0.1").port(80).build();
        registry.register(before, Duration.ofMinutes(1));
        await().atMost(Duration.ofSeconds(10)).until(() -> sentinel.replica().command("HLEN",
                prefix() + ":{orders}:i").contains("1"));
        RedisServer oldMaster = sentinel.master();
        RedisServer newMaster = sentinel.failover();
        assertThat(newMaster.port()).isNotEqualTo(oldMaster.port());
        ServiceInstance after = ServiceInstance.builder("orders").id("after").host("10.0.0.2").port(80).build();
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
            registry.register(after, Duration.ofMinutes(1));
            assertThat(registry.instances("orders")).extracting(ServiceInstance::id).contains("before", "after");
        });
        try (ServiceRegistry second = openSecondHandle()) {
            assertThat(second.instances("orders")).extracting(ServiceInstance::id).contains("before", "after");
        }
    }

}
