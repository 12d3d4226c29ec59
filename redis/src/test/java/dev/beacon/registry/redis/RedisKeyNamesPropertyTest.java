package dev.beacon.registry.redis;

import dev.beacon.RegistryUnavailableException;
import dev.beacon.ServiceInstance;
import dev.beacon.registry.ServiceRegistry;
import dev.beacon.testing.Fuzz;
import dev.beacon.testing.Fuzz.Gen;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;

import static dev.beacon.testing.Fuzz.anyOf;
import static dev.beacon.testing.Fuzz.forAll;
import static dev.beacon.testing.Fuzz.oneOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Names cannot break out of their Redis keys ({@code prefix:{service}:i}, {@code …:l}, {@code …:events}): every
 * operation refuses a service name or id outside {@code [a-z0-9._-]} / {@code [A-Za-z0-9._-]} before anything is
 * sent. The registry points at a closed port, so a name that got through would fail with
 * {@link RegistryUnavailableException} instead of {@link IllegalArgumentException}. Tries: {@code beacon.fuzz.tries};
 * a failure names its seed ({@link Fuzz}).
 */
class RedisKeyNamesPropertyTest {

    private static ServiceRegistry registry;

    @BeforeAll
    static void open() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        registry = RedisServiceRegistry.open("redis://127.0.0.1:" + closedPort + "?timeout=200ms&connect-timeout=200ms");
    }

    @AfterAll
    static void close() {
        registry.close();
    }

    /** A service name and an instance id, both from {@link #names()}. */
    private record Names(String service, String id) {
    }

    @Test
    void everyOperation_nameOrIdThatCouldBreakOutOfItsKey_isRefusedBeforeReachingRedis() {
        Gen<String> names = names();
        List<Names> examples = List.of(new Names("", ""), new Names("orders", "{orders}"),
                new Names("orders}:i", "a"), new Names("a".repeat(129), "a"), new Names("a", "a".repeat(129)),
                new Names("orders\nDEL x", "x"), new Names("a", "a"));
        forAll(examples, random -> new Names(names.next(random), names.next(random)), pair -> {
            String service = pair.service();
            String id = pair.id();
            boolean serviceValid = isValid(() -> ServiceInstance.checkServiceName(service));
            boolean idValid = isValid(() -> ServiceInstance.checkInstanceId(id));
            assertThat(service.matches("[a-z0-9._-]+") || !serviceValid).isTrue();
            assertThat(id.matches("[A-Za-z0-9._-]+") || !idValid).isTrue();

            expect(serviceValid, () -> registry.instances(service));
            expect(serviceValid, () -> registry.leases(service));
            if (!serviceValid) { // a valid watch subscribes in the background, retrying: nothing to see at once
                expect(false, () -> registry.watch(service, event -> { }).close());
            }
            expect(serviceValid && idValid, () -> registry.renew(service, id));
            expect(serviceValid && idValid, () -> registry.deregister(service, id));
        });
    }

    private static boolean isValid(Runnable check) {
        try {
            check.run();
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Valid names reach the (closed) server; invalid ones are refused first, naming the rule. */
    private static void expect(boolean valid, Runnable operation) {
        if (valid) {
            assertThrows(RegistryUnavailableException.class, operation::run);
        } else {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, operation::run);
            assertThat(e.getMessage()).contains("must match");
        }
    }

    private static Gen<String> names() {
        return anyOf(
                Fuzz.strings("az09._-", 0, 60).map(tail -> "a" + tail),
                Fuzz.strings("az09._-", 0, 60).map(tail -> "0" + tail),
                Fuzz.strings("az09._-", 1, 70),
                Fuzz.strings("az09._-{}:*?[]\\/\n\r \u0000", 0, 20),
                oneOf("{orders}", "orders}:i", "a:b", "*", "orders\nDEL x", "../x", "a".repeat(129)),
                Fuzz.strings());
    }
}
