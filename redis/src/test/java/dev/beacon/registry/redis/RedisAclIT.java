package dev.beacon.registry.redis;

import dev.beacon.RegistryUnavailableException;
import dev.beacon.ServiceInstance;
import dev.beacon.Status;
import dev.beacon.registry.MaintenanceRequest;
import dev.beacon.registry.RegistryEvent;
import dev.beacon.registry.ServiceRegistry;
import dev.beacon.registry.Subscription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Beacon works with a Redis user restricted to exactly the ACL rules docs/registries.md documents, and to nothing more. */
class RedisAclIT {

    /** The rule set of docs/registries.md (minimal Redis ACL), verbatim. */
    static final String DOCUMENTED_RULES = "~beacon:* &beacon:* +evalsha +eval +publish +subscribe +ping +zadd "
            + "+client|setname +time +hset +hget +hmget +hdel +zrem +zscore +zcount "
            + "+zrange +zrangebyscore +zremrangebyscore +pttl +pexpire";

    @RegisterExtension
    static RedisServers redis = new RedisServers();

    @Test
    void documentedRules_areTheOnesInTheDocs() throws java.io.IOException {
        String docs = java.nio.file.Files.readString(java.nio.file.Path.of("..", "docs", "registries.md"));

        assertThat(docs).contains("ACL SETUSER beacon on >password " + DOCUMENTED_RULES);
    }

    @Test
    void documentedRules_everyOperationWorks_andNothingElseIsAllowed() {
        RedisServer server = redis.withAcl("beacon", "s3cret-pw", DOCUMENTED_RULES);
        String uri = server.uri().replace("redis://", "redis://beacon:s3cret-pw@");
        List<RegistryEvent> events = new CopyOnWriteArrayList<>();
        try (ServiceRegistry registry = RedisServiceRegistry.open(uri);
             ServiceRegistry watcher = RedisServiceRegistry.open(uri);
             Subscription ignored = watcher.watch("orders", events::add)) {
            await().pollDelay(Duration.ofMillis(200)).until(() -> true);
            ServiceInstance instance = ServiceInstance.builder("orders").id("a").host("10.0.0.1").port(80).build();
            registry.register(instance, Duration.ofSeconds(1));
            assertThat(registry.renew("orders", "a")).isTrue();
            assertThat(registry.instances("orders")).containsExactly(instance);
            assertThat(registry.services()).containsExactly("orders");
            registry.register(ServiceInstance.builder("orders").id("b").host("10.0.0.2").port(80).build(),
                    Duration.ofSeconds(1));
            assertThat(registry.startMaintenance("orders", "a", MaintenanceRequest.untilLifted("acl", "test")))
                    .isPresent();
            assertThat(registry.instances("orders")).extracting(ServiceInstance::status)
                    .containsExactly(Status.MAINTENANCE, Status.UP);
            assertThat(registry.leases("orders")).hasSize(2);
            assertThat(registry.maintenance("orders", "a")).isPresent();
            assertThat(registry.endMaintenance("orders", "a")).isTrue();
            assertThat(registry.startMaintenance("orders", "b",
                    MaintenanceRequest.lasting("acl", "test", Duration.ofSeconds(1)))).isPresent();
            assertThat(registry.deregister("orders", "a")).isTrue();
            await().atMost(Duration.ofSeconds(5)).until(() -> events.stream()
                    .anyMatch(e -> e.type() == RegistryEvent.Type.EXPIRED && e.instance().id().equals("b")));
            assertThat(events).anyMatch(e -> e.instance().status() == Status.MAINTENANCE);
            assertThat(events).extracting(RegistryEvent::type).contains(RegistryEvent.Type.REGISTERED,
                    RegistryEvent.Type.DEREGISTERED, RegistryEvent.Type.EXPIRED);
        }
        for (String[] refused : new String[][]{{"FLUSHALL"}, {"GET", "other:key"}, {"KEYS", "*"},
            {"HSET", "other:{orders}:i", "a", "b"}}) {
            RedisCommandException e = assertThrows(RedisCommandException.class,
                    () -> server.commandAs("beacon", "s3cret-pw", refused));
            assertThat(e.getMessage()).as(String.join(" ", refused)).contains("NOPERM");
        }
    }

    @Test
    void wrongPassword_unavailableWithoutThePassword() {
        RedisServer server = redis.withAcl("beacon", "right-pw", DOCUMENTED_RULES);
        String uri = server.uri().replace("redis://", "redis://beacon:wrong-pw@");
        try (ServiceRegistry registry = RedisServiceRegistry.open(uri)) {
            RegistryUnavailableException e = assertThrows(RegistryUnavailableException.class,
                    () -> registry.instances("orders"));
            assertThat(e.getMessage()).doesNotContain("wrong-pw").doesNotContain("right-pw");
        }
    }
}
