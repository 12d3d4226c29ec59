package dev.beacon.registry.redis;

import dev.beacon.registry.RegistrationContractTest;
import dev.beacon.registry.ServiceRegistry;


/**
 * The registration contract on real Redis servers: each subclass (standalone, Sentinel, Cluster) starts its servers
 * through its own {@link RedisServers}, names them in {@link #baseUri()}, and takes the data away for real (kills a
 * {@code redis-server} with SIGKILL and starts it again, empty). Each test gets its own key prefix.
 */
abstract class RegistrationRedisContract extends RegistrationContractTest {

    private final TestKeyspace keyspace = new TestKeyspace("registration");

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
}
