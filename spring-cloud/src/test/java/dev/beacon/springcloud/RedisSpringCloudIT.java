package dev.beacon.springcloud;

import dev.beacon.registry.redis.RedisServers;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link SpringCloudLookupContract} on a real {@code redis-server} started on a free port (skipped with a message when
 * Redis is not installed, failed with {@code -Dbeacon.redis.required=true}).
 */
class RedisSpringCloudIT extends SpringCloudLookupContract {

    @RegisterExtension
    static RedisServers redis = new RedisServers();

    @BeforeAll
    void startAll() throws Exception {
        start(redis.standalone().uri());
    }
}
