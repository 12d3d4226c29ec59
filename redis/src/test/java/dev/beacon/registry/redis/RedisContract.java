package dev.beacon.registry.redis;

import dev.beacon.registry.ServiceRegistry;
import dev.beacon.registry.ServiceRegistryContractTest;

import java.time.Duration;

/**
 * The registry contract on real Redis servers: each subclass (standalone, TLS, Sentinel, Cluster) starts its own
 * servers through its own {@link RedisServers} and names them in {@link #baseUri()}; each test gets its own key
 * prefix, so tests share the servers of their class but not their data. Lease time passes by sleeping.
 */
abstract class RedisContract extends ServiceRegistryContractTest {

    private final TestKeyspace keyspace = new TestKeyspace("contract");

    /** The registry URI without the prefix option, ending in {@code ?} or {@code &}. */
    protected abstract String baseUri();

    /** This test's key prefix. */
    protected String prefix() {
        return keyspace.prefix();
    }

    @Override
    protected ServiceRegistry newRegistry() {
        return keyspace.open(baseUri());
    }

    @Override
    protected ServiceRegistry openSecondHandle() {
        return keyspace.openAgain();
    }

    /** Redis publishes changes per service only: new services are found by listing them. */
    @Override
    protected boolean reportsNewServices() {
        return false;
    }

    @Override
    protected void advance(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
