package dev.beacon.registry.redis.internal;

import dev.beacon.ServiceInstance;

/**
 * The names of the registry's Redis keys and channels: the one place that spells them. Under a prefix ({@code beacon}
 * by default, so several environments can share one Redis):
 * <ul>
 *   <li>{@code <prefix>:{<service>}:i} — hash of instance id → stored JSON ({@link EntryCodec});</li>
 *   <li>{@code <prefix>:{<service>}:l} — sorted set of instance id → lease deadline (Redis server ms);</li>
 *   <li>{@code <prefix>:{<service>}:m} — hash of instance id → maintenance record, kept apart from the registration
 *       (registrations, renewals, deregistrations and the expiry of the two keys above leave it alone);</li>
 *   <li>{@code <prefix>:{<service>}:md} — sorted set of instance id → maintenance deadline (Redis server ms), for
 *       the records that have one, so that a sweep finds the ended ones without reading them all;</li>
 *   <li>{@code <prefix>:{<service>}:events} — the channel its changes are published on;</li>
 *   <li>{@code <prefix>:services} — sorted set of service → latest lease deadline, so that listing services never
 *       needs {@code KEYS} or {@code SCAN}.</li>
 * </ul>
 * A service's keys share the {@code {service}} hash tag, so they live in one Cluster slot and one script can update
 * them all. A service name cannot break out of its keys: {@link #of} accepts only valid names ({@code [a-z0-9._-]}).
 */
public final class RedisKeys {

    private final String prefix;

    /** @param prefix a prefix {@link RedisRegistryUri} accepted */
    public RedisKeys(String prefix) {
        this.prefix = prefix;
    }

    /**
     * The keys of {@code service}.
     *
     * @throws IllegalArgumentException naming the value when {@code service} is not a valid service name
     */
    public ServiceKeys of(String service) {
        ServiceInstance.checkServiceName(service);
        String tag = prefix + ":{" + service + "}:";
        return new ServiceKeys(service, tag + "i", tag + "l", tag + "m", tag + "md", tag + "events");
    }

    /** The services index. */
    public String index() {
        return prefix + ":services";
    }
}
