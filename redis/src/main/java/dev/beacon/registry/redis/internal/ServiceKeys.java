package dev.beacon.registry.redis.internal;

import java.util.List;

/**
 * The keys of one service, from {@link RedisKeys#of}: its instances hash, its leases sorted set, its maintenance hash
 * and maintenance deadlines sorted set, and its events channel.
 */
public record ServiceKeys(String service, String instances, String leases, String maintenance,
                          String maintenanceDeadlines, String channel) {

    /**
     * The four keys every script about this service takes, in their order: instances, leases, maintenance,
     * maintenance deadlines.
     */
    List<String> all() {
        return List.of(instances, leases, maintenance, maintenanceDeadlines);
    }
}
