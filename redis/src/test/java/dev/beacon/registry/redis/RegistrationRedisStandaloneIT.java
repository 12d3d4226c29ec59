package dev.beacon.registry.redis;

import org.junit.jupiter.api.extension.RegisterExtension;

/** The registration contract on a real standalone redis-server, killed with SIGKILL and restarted empty. */
class RegistrationRedisStandaloneIT extends RegistrationRedisContract {

    @RegisterExtension
    static RedisServers redis = new RedisServers();

    private static RedisServer server;

    @Override
    protected String baseUri() {
        if (server == null) {
            server = redis.standalone();
        }
        return server.uri() + "?";
    }

    @Override
    protected void breakRegistry() {
        server.kill();
    }

    @Override
    protected void restoreRegistry() {
        server.restart();
    }
}
