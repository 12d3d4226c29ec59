package dev.beacon.client;

import dev.beacon.ServiceInstance;
import dev.beacon.registry.FileServiceRegistry;
import dev.beacon.registry.ServiceRegistry;
import dev.beacon.registry.redis.RedisServer;
import dev.beacon.registry.redis.RedisServers;
import dev.beacon.registry.redis.RedisServiceRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The discovery client on real registries: it follows changes within the bound each registry states (Redis: pushed,
 * milliseconds; file: pushed by its WatchService), and it survives Redis going away without one failed lookup.
 */
class DiscoveryClientRegistriesIT {

    @RegisterExtension
    static RedisServers redis = new RedisServers();

    private static ServiceInstance instance(String id) {
        return ServiceInstance.builder("orders").id(id).host("10.0.0.1").port(8000 + Math.abs(id.hashCode() % 1000))
                .build();
    }

    private static long millisUntilListed(DiscoveryClient client, String id, boolean listed) throws Exception {
        long start = System.nanoTime();
        while (client.instances("orders").stream().anyMatch(i -> i.id().equals(id)) != listed) {
            if (System.nanoTime() - start > Duration.ofSeconds(5).toNanos()) {
                throw new AssertionError(id + (listed ? " never appeared" : " never left"));
            }
            Thread.sleep(1);
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    @Test
    void redis_changesArePushedWithinMilliseconds() throws Exception {
        RedisServer server = redis.standalone();
        try (ServiceRegistry registry = RedisServiceRegistry.open(server.uri());
             ServiceRegistry clientSide = RedisServiceRegistry.open(server.uri());
             DiscoveryClient client = DiscoveryClient.builder(clientSide).build()) {
            registry.register(instance("a"), Duration.ofMinutes(1));
            assertThat(client.instances("orders")).hasSize(1);
            registry.register(instance("b"), Duration.ofMinutes(1));
            assertThat(millisUntilListed(client, "b", true)).as("ms until a registration is seen").isLessThan(500);
            registry.deregister("orders", "b");
            assertThat(millisUntilListed(client, "b", false)).as("ms until a deregistration is seen")
                    .isLessThan(500);
        }
    }

    @Test
    void file_changesAreSeenWithinThePollInterval(@TempDir Path dir) throws Exception {
        try (ServiceRegistry registry = new FileServiceRegistry(dir);
             ServiceRegistry clientSide = new FileServiceRegistry(dir);
             DiscoveryClient client = DiscoveryClient.builder(clientSide).build()) {
            registry.register(instance("a"), Duration.ofMinutes(1));
            assertThat(client.instances("orders")).hasSize(1);
            registry.register(instance("b"), Duration.ofMinutes(1));
            assertThat(millisUntilListed(client, "b", true)).as("ms (file registry: pushed)").isLessThan(1000);
            registry.deregister("orders", "a");
            assertThat(millisUntilListed(client, "a", false)).as("ms (file registry: pushed)").isLessThan(1000);
        }
    }

    @Test
    void redisKilled_clientKeepsChoosingFromItsSnapshot_thenCatchesUp() throws Exception {
        RedisServer server = redis.standalone();
        String uri = server.uri() + "?timeout=300ms&connect-timeout=300ms";
        try (ServiceRegistry registry = RedisServiceRegistry.open(uri);
             ServiceRegistry clientSide = RedisServiceRegistry.open(uri);
             DiscoveryClient client = DiscoveryClient.builder(clientSide).refreshInterval(Duration.ofMillis(500))
                     .build()) {
            registry.register(instance("a"), Duration.ofMinutes(1));
            registry.register(instance("b"), Duration.ofMinutes(1));
            assertThat(client.instances("orders")).hasSize(2);

            server.kill();
            int calls = 0;
            int failed = 0;
            long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            while (System.nanoTime() < until) {
                calls++;
                if (client.choose("orders").isEmpty()) {
                    failed++;
                }
            }
            assertThat(failed).as("failed choose() calls out of " + calls + " while Redis was down").isZero();
            assertThat(client.view("orders").stale()).isTrue();

            server.restart(); // empty
            long back = System.nanoTime();
            while (true) {
                try {
                    registry.register(instance("c"), Duration.ofMinutes(1));
                    break;
                } catch (RuntimeException stillStarting) {
                    Thread.sleep(50);
                }
            }
            millisUntilListed(client, "c", true);
            // a and b, lost with the restart, leave at the second read after the outage (the first read only adds:
            // a registry that came back empty lists nobody until its registrants' next heartbeat)
            millisUntilListed(client, "a", false);
            millisUntilListed(client, "b", false);
            assertThat(client.instances("orders")).extracting(ServiceInstance::id).containsExactly("c");
            assertThat(client.view("orders").stale()).isFalse();
            assertThat((System.nanoTime() - back) / 1_000_000).isLessThan(5_000);
        }
    }
}
