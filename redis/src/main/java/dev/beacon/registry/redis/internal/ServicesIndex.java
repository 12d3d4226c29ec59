package dev.beacon.registry.redis.internal;

import java.util.Set;

/**
 * The writes of instances (register, renew, deregister) and the services index ({@link RedisKeys#index()}) they keep
 * current, so that {@link #services()} lists services without {@code KEYS} or {@code SCAN}. Where the index lives on
 * the same server as every service (standalone, Sentinel) each write script updates it in the same atomic call, and
 * the index is exact; in a Cluster it lives in another slot than most services, so writes nominate services there
 * and a listing confirms each against its own leases ({@code ClusterServicesIndex}). Thread-safe.
 */
public abstract sealed class ServicesIndex permits SameNodeServicesIndex, ClusterServicesIndex {

    final RedisConnection connection;
    final RedisKeys keys;
    final EntryCodec codec;

    ServicesIndex(RedisConnection connection, RedisKeys keys, EntryCodec codec) {
        this.connection = connection;
        this.keys = keys;
        this.codec = codec;
    }

    /** The index for the way {@code uri} reaches Redis. */
    public static ServicesIndex of(RedisRegistryUri uri, RedisConnection connection, RedisKeys keys,
                                   EntryCodec codec) {
        return uri.mode() == RedisRegistryUri.Mode.CLUSTER ? new ClusterServicesIndex(connection, keys, codec)
                : new SameNodeServicesIndex(connection, keys, codec);
    }

    /** Registers or replaces instance {@code id} of {@code service}, stored as {@code entry} ({@link EntryCodec}). */
    public abstract void register(ServiceKeys service, String id, String entry, long ttlMillis);

    /** Extends the lease of {@code id} by its ttl; false when it has no live lease. */
    public abstract boolean renew(ServiceKeys service, String id);

    /** Removes {@code id}; true when it was live. */
    public abstract boolean deregister(ServiceKeys service, String id);

    /** The names of the services with a live lease, sorted and unmodifiable. */
    public abstract Set<String> services();

    /** The valid names the index holds with a lease still running, sorted (a new, modifiable set). */
    final Set<String> indexed() {
        return codec.serviceNames(keys.index(), connection.run("list services", ScriptCall.services(keys.index())));
    }

    static String operation(String verb, ServiceKeys service, String id) {
        return verb + " " + service.service() + "/" + id;
    }

    /** renew.lua's reply: the lease's ttl in ms, or -1 when there is no live lease. */
    static long renewedTtl(Object reply) {
        return reply instanceof Long ttl && ttl > 0 ? ttl : -1;
    }
}
