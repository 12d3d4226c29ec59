package dev.beacon.registry.redis;

import dev.beacon.Maintenance;
import dev.beacon.ServiceInstance;
import dev.beacon.registry.Lease;
import dev.beacon.registry.MaintenanceRequest;
import dev.beacon.registry.RegistryEvent;
import dev.beacon.registry.ServiceRegistry;
import dev.beacon.registry.Subscription;
import dev.beacon.registry.Ttl;
import dev.beacon.registry.redis.internal.EntryCodec;
import dev.beacon.registry.redis.internal.RedisConnection;
import dev.beacon.registry.redis.internal.RedisKeys;
import dev.beacon.registry.redis.internal.RedisRegistryUri;
import dev.beacon.registry.redis.internal.RedisWatches;
import dev.beacon.registry.redis.internal.ScriptCall;
import dev.beacon.registry.redis.internal.ServiceKeys;
import dev.beacon.registry.redis.internal.ServicesIndex;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The registry for apps on many machines: Redis through Jedis, standalone, over TLS, through Sentinel or in a
 * Cluster. Opened by {@link #open(String)} or {@link dev.beacon.registry.Registries#open(String)} with a URI:
 * <pre>
 * redis://[user:password@]host[:port][/db][?options]                             port 6379, db 0..15
 * rediss://[user:password@]host[:port][/db][?options]                            TLS
 * redis-sentinel://[user:password@]host1:26379,host2:26379/master-name[?options]   port 26379
 * redis-cluster://[user:password@]host1:7000,host2:7001[?options]
 * </pre>
 * Options: {@code prefix} (the key namespace, default {@code beacon}, so that several environments can share one
 * Redis), {@code timeout} (socket timeout, default {@code 2s}), {@code connect-timeout} (default {@code 2s}),
 * {@code pool-max} (connections, default 8), {@code tls=true} (TLS with Sentinel or Cluster), {@code truststore},
 * {@code truststore-password}, {@code truststore-type} (default {@code PKCS12}), {@code verify-peer} (default
 * {@code true}: certificate and host name checked; {@code false} is logged as a warning), {@code sentinel-user},
 * {@code sentinel-password}, {@code client-name} (default {@code beacon}). Durations are written like {@code 500ms},
 * {@code 2s} or {@code 1m}. The password never appears in {@link #toString()}, a message or a log line.
 *
 * <p><b>Leases are timed by the Redis server's clock</b> ({@code TIME} inside Lua scripts), never by the clients',
 * so hosts with skewed clocks agree. An instance is returned only while its deadline is after the server's now: a
 * read never returns an instance whose lease ended, and sees every change made before it (through any handle) once
 * that change's round trip completed. A service's keys share its {@code {service}} hash tag (one Cluster slot) and
 * expire by themselves one minute after its longest lease when no member renews. Maintenance records live in a hash
 * of their own among them, which outlives the registrations: it vanishes a minute after its latest deadline, or stays
 * while a maintenance without a deadline is in force.
 *
 * <p><b>Round trips:</b> {@link #instances} and {@link #leases} are one script call whatever the number of
 * instances; {@link #register}, {@link #renew} and {@link #deregister} are one atomic, idempotent script call each;
 * {@link #services} reads an index, never {@code KEYS} or {@code SCAN}. In a Cluster the index lives in another slot:
 * a registration, and a renewal once per ttl, also nominate the service there in the same pipeline (one round trip,
 * to two nodes in parallel), and {@link #services} confirms each candidate against its live leases (one more
 * pipelined call).
 *
 * <p><b>Watch:</b> changes are pushed through Redis pub/sub. Expiries are found by a sweeper that every watching
 * registry runs over its watched services every 500 ms, so an instance whose process was killed produces an
 * {@link RegistryEvent.Type#EXPIRED} event within its ttl plus about half a second, even when nobody reads the
 * service. Changes published while the subscription's connection is down are not replayed. The propagation delays
 * measured on real processes are in BENCHMARKS.md.
 *
 * <p><b>Failures:</b> every operation throws {@link dev.beacon.RegistryUnavailableException} (registry, addresses,
 * operation and cause; password masked) when Redis cannot be reached or refuses the command. Opening does not
 * connect: the first operation does, and one that fails to connect leaves the next to try again, so a registry
 * opened while Redis is down starts working when it comes back. A stored entry or a message that cannot be read (a
 * broken or hostile writer) is skipped with one warning.
 *
 * <p>Thread-safe. Threads (the subscription, the sweeper, event delivery) start with the first {@link #watch} and end
 * with {@link #close()}.
 */
public final class RedisServiceRegistry implements ServiceRegistry {

    private final RedisRegistryUri uri;
    private final RedisConnection connection;
    private final RedisKeys keys;
    private final EntryCodec codec;
    private final ServicesIndex index;
    private final RedisWatches watches;

    private RedisServiceRegistry(RedisRegistryUri uri) {
        this.uri = uri;
        this.connection = new RedisConnection(uri);
        this.keys = new RedisKeys(uri.prefix());
        this.codec = new EntryCodec(uri.toString());
        this.index = ServicesIndex.of(uri, connection, keys, codec);
        this.watches = new RedisWatches(connection, keys, codec, uri.timeout());
    }

    /**
     * Opens a registry. Does not connect: the first operation does.
     *
     * @throws IllegalArgumentException naming the URI (password masked) and what is wrong with it
     */
    public static RedisServiceRegistry open(String uri) {
        return new RedisServiceRegistry(RedisRegistryUri.parse(uri));
    }

    /**
     * Checks a URI without opening anything.
     *
     * @throws IllegalArgumentException naming the URI (password masked) and what is wrong with it
     */
    public static void validate(String uri) {
        RedisRegistryUri.parse(uri);
    }

    @Override
    public void register(ServiceInstance instance, Duration ttl) {
        Ttl.check(ttl);
        ServiceRegistry.checkRegistrable(instance);
        index.register(keys.of(instance.service()), instance.id(), codec.encode(instance, ttl), ttl.toMillis());
    }

    @Override
    public boolean renew(String service, String id) {
        ServiceKeys serviceKeys = keys.of(service);
        ServiceInstance.checkInstanceId(id);
        return index.renew(serviceKeys, id);
    }

    @Override
    public boolean deregister(String service, String id) {
        ServiceKeys serviceKeys = keys.of(service);
        ServiceInstance.checkInstanceId(id);
        return index.deregister(serviceKeys, id);
    }

    @Override
    public List<ServiceInstance> instances(String service) {
        return codec.instances(service, connection.run("read " + service, ScriptCall.instances(keys.of(service))));
    }

    @Override
    public List<Lease> leases(String service) {
        return codec.leases(service, connection.run("read " + service, ScriptCall.leases(keys.of(service))));
    }

    @Override
    public Optional<Maintenance> startMaintenance(String service, String id, MaintenanceRequest request) {
        ServiceKeys serviceKeys = keys.of(service);
        ServiceInstance.checkInstanceId(id);
        Objects.requireNonNull(request, "request");
        return codec.maintenance(service, id, connection.run("put " + service + "/" + id + " in maintenance",
                ScriptCall.startMaintenance(serviceKeys, id, request.reason(), request.by(),
                        request.duration().map(Duration::toMillis).orElse(0L))));
    }

    @Override
    public boolean endMaintenance(String service, String id) {
        ServiceKeys serviceKeys = keys.of(service);
        ServiceInstance.checkInstanceId(id);
        return Long.valueOf(1).equals(connection.run("lift the maintenance of " + service + "/" + id,
                ScriptCall.endMaintenance(serviceKeys, id)));
    }

    @Override
    public Optional<Maintenance> maintenance(String service, String id) {
        ServiceKeys serviceKeys = keys.of(service);
        ServiceInstance.checkInstanceId(id);
        return codec.maintenance(service, id, connection.run("read the maintenance of " + service + "/" + id,
                ScriptCall.maintenance(serviceKeys, id)));
    }

    @Override
    public Set<String> services() {
        return index.services();
    }

    @Override
    public Subscription watch(String service, Consumer<RegistryEvent> listener) {
        ServiceKeys serviceKeys = keys.of(service);
        Objects.requireNonNull(listener, "listener");
        return watches.watch(serviceKeys, listener);
    }

    @Override
    public void close() {
        watches.close();
        connection.close();
    }

    @Override
    public String toString() {
        return uri.toString();
    }
}
