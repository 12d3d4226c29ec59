package dev.beacon.registry.redis.internal;

import java.util.List;

/**
 * The keys of one service, from {@link RedisKeys#of}: its instances hash, its leases sorted set and its events
 * channel.
 */
public record ServiceKeys(String service, String instances, String leases, String channel) {

    /** The two keys every script about this service takes, in their order: instances, leases. */
    List<String> both() {
        return List.of(instances, leases);
    }
}
