package dev.beacon.registry.redis;

import dev.beacon.RegistryUnavailableException;
import dev.beacon.ServiceInstance;
import dev.beacon.registry.ServiceRegistry;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Names cannot break out of their Redis keys ({@code prefix:{service}:i}, {@code …:l}, {@code …:events}): every
 * operation refuses a service name or id outside {@code [a-z0-9._-]} / {@code [A-Za-z0-9._-]} before anything is
 * sent. The registry points at a closed port, so a name that got through would fail with
 * {@link RegistryUnavailableException} instead of {@link IllegalArgumentException}.
 */
class RedisKeyNamesPropertyTest {

    private static ServiceRegistry registry;

    @BeforeContainer
    static void open() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        registry = RedisServiceRegistry.open("redis://127.0.0.1:" + closedPort + "?timeout=200ms&connect-timeout=200ms");
    }

    @AfterContainer
    static void close() {
        registry.close();
    }

    @Property
    void everyOperation_nameOrIdThatCouldBreakOutOfItsKey_isRefusedBeforeReachingRedis(
            @ForAll("names") String service, @ForAll("names") String id) {
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
        Statistics.collect(serviceValid && idValid ? "valid" : "refused");
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

    @Provide
    Arbitrary<String> names() {
        return Arbitraries.oneOf(
                Arbitraries.strings().withChars("az09._-").ofMaxLength(60).map(tail -> "a" + tail),
                Arbitraries.strings().withChars("az09._-").ofMaxLength(60).map(tail -> "0" + tail),
                Arbitraries.strings().withChars("az09._-").ofMinLength(1).ofMaxLength(70),
                Arbitraries.strings().withChars("az09._-{}:*?[]\\/\n\r \u0000").ofMinLength(0).ofMaxLength(20),
                Arbitraries.of("{orders}", "orders}:i", "a:b", "*", "orders\nDEL x", "../x", "a".repeat(129)),
                Arbitraries.strings());
    }
}
