package dev.beacon.registry.redis;

import dev.beacon.registry.RegistrationContractTest;
import dev.beacon.registry.ServiceRegistry;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The registration contract on real Redis servers: each subclass (standalone, Sentinel, Cluster) starts its servers
 * through its own {@link RedisServers}, names them in {@link #baseUri()}, and takes the data away for real (kills a
 * {@code redis-server} with SIGKILL and starts it again, empty). Each test gets its own key prefix.
 */
abstract class RegistrationRedisContract extends RegistrationContractTest {

    private static final AtomicInteger TESTS = new AtomicInteger();
    private String uri;

    /** The registry URI without the prefix option, ending in {@code ?} or {@code &}. */
    protected abstract String baseUri();

    /** This test's key prefix. */
    protected String prefix() {
        return uri.replaceAll(".*prefix=([A-Za-z0-9]+).*", "$1");
    }

    @Override
    protected ServiceRegistry newRegistry() {
        uri = baseUri() + "prefix=registration" + TESTS.incrementAndGet();
        return RedisServiceRegistry.open(uri);
    }

    @Override
    protected ServiceRegistry openSecondHandle() {
        return RedisServiceRegistry.open(uri);
    }
}
