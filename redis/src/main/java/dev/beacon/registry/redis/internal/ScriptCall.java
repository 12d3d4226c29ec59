package dev.beacon.registry.redis.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * One call of a registry script with its keys and arguments, ready to {@linkplain RedisConnection#run run} alone or
 * in a pipeline. The factories are the one place that knows each script's {@code KEYS} and {@code ARGV} layout (the
 * header of each {@code .lua} file says it too).
 */
public final class ScriptCall {

    /**
     * How much longer than its longest lease a service's keys live (they vanish on their own once no member renews),
     * and how long after its last lease ended the services index still holds a service.
     */
    static final long KEY_GRACE_MILLIS = 60_000;

    private final RedisScript script;
    private final List<String> keys;
    private final List<String> args;

    private ScriptCall(RedisScript script, List<String> keys, List<String> args) {
        this.script = script;
        this.keys = keys;
        this.args = args;
    }

    /** The live instances of a service: a list of stored JSON values, and one of the maintenance records in force. */
    public static ScriptCall instances(ServiceKeys service) {
        return new ScriptCall(RedisScript.INSTANCES, service.all(), List.of());
    }

    /**
     * The live instances of a service with their deadlines: stored JSON, deadline, stored JSON, deadline, …; and the
     * maintenance records in force.
     */
    public static ScriptCall leases(ServiceKeys service) {
        return new ScriptCall(RedisScript.LEASES, service.all(), List.of());
    }

    /** Registers or replaces an instance; returns its deadline. */
    static ScriptCall register(ServiceKeys service, String id, String json, long ttlMillis) {
        return new ScriptCall(RedisScript.REGISTER, service.all(), List.of(id, json, Long.toString(ttlMillis),
                service.channel(), Long.toString(KEY_GRACE_MILLIS), service.service()));
    }

    /** Extends a live lease; returns its ttl in ms, or -1 when the instance has no live lease. */
    static ScriptCall renew(ServiceKeys service, String id) {
        return new ScriptCall(RedisScript.RENEW, service.all(), List.of(id, service.channel(),
                Long.toString(KEY_GRACE_MILLIS), service.service()));
    }

    /** Removes an instance; returns 1 when it was live, else 0. */
    static ScriptCall deregister(ServiceKeys service, String id) {
        return new ScriptCall(RedisScript.DEREGISTER, service.all(), List.of(id, service.channel(),
                service.service()));
    }

    /** The names in the services index whose latest lease is still running. */
    static ScriptCall services(String index) {
        return new ScriptCall(RedisScript.SERVICES, List.of(index), List.of(Long.toString(KEY_GRACE_MILLIS)));
    }

    /** Cluster: nominates a service in the services index for {@code ttlMillis} of the index node's clock. */
    static ScriptCall nominate(String index, String service, long ttlMillis) {
        return new ScriptCall(RedisScript.INDEX, List.of(index), List.of(service, Long.toString(ttlMillis)));
    }

    /** How many leases of a service are running. */
    static ScriptCall liveCount(ServiceKeys service) {
        return new ScriptCall(RedisScript.LIVE_COUNT, service.all(), List.of());
    }

    /**
     * Removes up to {@code limit} ended leases of a service, publishing EXPIRED for each, and its ended maintenance
     * records, publishing UPDATED for each live instance of them; returns how many leases.
     */
    static ScriptCall sweep(ServiceKeys service, int limit) {
        return new ScriptCall(RedisScript.SWEEP, service.all(), List.of(service.channel(), Integer.toString(limit)));
    }

    /**
     * Puts a live instance in maintenance for {@code durationMillis} (0: until lifted); returns the stored record, or
     * null when the instance has no live lease.
     */
    public static ScriptCall startMaintenance(ServiceKeys service, String id, String reason, String by,
                                              long durationMillis) {
        return new ScriptCall(RedisScript.START_MAINTENANCE, service.all(), List.of(id, reason, by,
                Long.toString(durationMillis), service.channel()));
    }

    /** Lifts the maintenance of an instance; returns 1 when one was in force, else 0. */
    public static ScriptCall endMaintenance(ServiceKeys service, String id) {
        return new ScriptCall(RedisScript.END_MAINTENANCE, service.all(), List.of(id, service.channel()));
    }

    /** The maintenance record of an instance in force now, or null. */
    public static ScriptCall maintenance(ServiceKeys service, String id) {
        return new ScriptCall(RedisScript.MAINTENANCE, service.all(), List.of(id));
    }

    /** Publishes {@code message} on the service's channel from the node that owns the service's slot. */
    static ScriptCall marker(ServiceKeys service, String message) {
        return new ScriptCall(RedisScript.MARKER, List.of(service.instances()), List.of(service.channel(), message));
    }

    /**
     * This call with the services index as one more key: register, renew and deregister then keep the index current
     * themselves. Only where the index lives on the service's node (not in a Cluster).
     */
    ScriptCall withIndex(String index) {
        List<String> more = new ArrayList<>(keys);
        more.add(index);
        return new ScriptCall(script, List.copyOf(more), args);
    }

    RedisScript script() {
        return script;
    }

    List<String> keys() {
        return keys;
    }

    List<String> args() {
        return args;
    }
}
