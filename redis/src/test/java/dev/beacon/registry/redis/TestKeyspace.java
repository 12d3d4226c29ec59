package dev.beacon.registry.redis;

import dev.beacon.registry.ServiceRegistry;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A key prefix of its own for each test, so the tests of a class share its Redis servers but not their data: the
 * contract bases ({@link RedisContract}, {@link RegistrationRedisContract}) open their registries through it.
 */
final class TestKeyspace {

    private static final AtomicInteger TESTS = new AtomicInteger();
    private final String kind;
    private String uri;

    /** @param kind the start of every prefix, naming the contract ({@code contract}, {@code registration}) */
    TestKeyspace(String kind) {
        this.kind = kind;
    }

    /** A registry on {@code baseUri} (ending in {@code ?} or {@code &}) with a new prefix. */
    ServiceRegistry open(String baseUri) {
        uri = baseUri + "prefix=" + kind + TESTS.incrementAndGet();
        return RedisServiceRegistry.open(uri);
    }

    /** Another registry on the same servers and prefix as the last {@link #open}. */
    ServiceRegistry openAgain() {
        return RedisServiceRegistry.open(uri);
    }

    /** The prefix of the last {@link #open}. */
    String prefix() {
        return uri.replaceAll(".*prefix=([A-Za-z0-9]+).*", "$1");
    }
}
