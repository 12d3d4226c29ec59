package dev.beacon.registry.redis;

import org.junit.jupiter.api.extension.RegisterExtension;

/** The registry contract on a real standalone redis-server. */
class RedisStandaloneContractIT extends RedisContract {

    @RegisterExtension
    static RedisServers redis = new RedisServers();

    private static RedisServer server;

    @Override
    protected String baseUri() {
        if (server == null || !server.isRunning()) {
            server = redis.standalone();
        }
        return server.uri() + "?";
    }
}
