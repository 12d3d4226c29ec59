package dev.beacon.registry.redis;

import dev.beacon.registry.Ttl;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beacon.RegistryUnavailableException;
import dev.beacon.ServiceInstance;
import dev.beacon.registry.RegistryEvent;
import dev.beacon.registry.ServiceRegistry;
import dev.beacon.registry.Subscription;
import dev.beacon.registry.spi.InstanceCodec;
import dev.beacon.registry.spi.WatchHub;
import dev.beacon.registry.redis.internal.RedisClients;
import dev.beacon.registry.redis.internal.RedisRegistryUri;
import dev.beacon.registry.redis.internal.RedisScript;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The registry for apps on many machines: Redis through Jedis, standalone ({@code redis://}, {@code rediss://}),
 * Sentinel ({@code redis-sentinel://}) or Cluster ({@code redis-cluster://}); see {@link RedisRegistryUri} for the
 * URI and its options.
 *
 * <p><b>Data model</b> (prefix {@code beacon} by default, so several environments can share one Redis): per service,
 * a hash {@code <prefix>:{<service>}:i} of instance id → JSON and a sorted set {@code <prefix>:{<service>}:l} of
 * id → lease deadline; both share the {@code {service}} hash tag, so a service lives in one Cluster slot. A sorted
 * set {@code <prefix>:services} indexes service → latest lease deadline, so listing services never uses
 * {@code KEYS} or {@code SCAN}. Events are published on {@code <prefix>:{<service>}:events}.
 *
 * <p><b>Leases are timed by the Redis server's clock</b> ({@code TIME} inside Lua scripts), never by the clients',
 * so hosts with skewed clocks agree. An instance is returned only while its deadline is after the server's now: the
 * worst-case staleness of a read is zero for expiry (an instance whose lease ended is never returned) and one
 * network round trip for changes. The per-service keys also carry a Redis {@code PEXPIRE} of the longest lease plus
 * one minute, so a service whose members all died leaves nothing behind.
 *
 * <p><b>Round trips:</b> {@link #instances} is one script call whatever the number of instances; {@link #register},
 * {@link #renew} and {@link #deregister} are one atomic, idempotent script call each (in Cluster mode the services
 * index, which lives in another slot, is updated in the same pipeline — still one round trip, to two nodes in
 * parallel — at registration and once per ttl of renewals); {@link #services} is one call (Cluster: one more pipelined call to confirm each candidate still holds a
 * live lease).
 *
 * <p><b>Watch:</b> events are pushed through Redis pub/sub within milliseconds of a change. Expiries are found by a
 * sweeper that every watching registry runs for its watched services every {@code 500 ms}, so an instance whose
 * process was killed produces an {@link RegistryEvent.Type#EXPIRED} event within its TTL plus about half a second,
 * even when nobody reads the service. Events published while the subscription connection was down are not replayed.
 *
 * <p><b>Failures:</b> every operation throws {@link RegistryUnavailableException} (address, operation, cause; the
 * password masked) when Redis cannot be reached or refuses the command; the connection is created lazily and
 * re-created on the next call, so a registry opened while Redis is down starts working when it comes back.
 * Thread-safe.
 */
public final class RedisServiceRegistry implements ServiceRegistry {

    private static final Logger log = LoggerFactory.getLogger(RedisServiceRegistry.class);
    private static final long KEY_GRACE_MILLIS = 60_000;
    /**
     * Cluster: a service stays nominated in the services index for this many ttls after a registration or a renewal
     * that refreshed it; renewals refresh it once per ttl, so it never lapses before the lease does.
     */
    private static final long INDEX_TTL_FACTOR = 3;
    private static final long SWEEP_INTERVAL_MILLIS = 500;
    private static final int SWEEP_LIMIT = 1000;

    private final RedisRegistryUri uri;
    private final boolean cluster;
    private final WatchHub hub = new WatchHub("beacon-redis-registry-events");
    private final Set<String> channels = ConcurrentHashMap.newKeySet();
    private final Map<String, java.util.concurrent.CountDownLatch> subscribed = new ConcurrentHashMap<>();
    private final Map<String, GatedListener> markers = new ConcurrentHashMap<>();
    /** Cluster: the TTL of registrations made through this handle, for the index update that goes with renewals. */
    private final Map<String, Long> ttls = new ConcurrentHashMap<>();
    /** Cluster: when this handle last nominated each instance's service in the index (System.nanoTime). */
    private final Map<String, Long> nominatedAt = new ConcurrentHashMap<>();
    /** The bad entries already reported (service and a hash of the stored value): each is warned about once. */
    private final Set<String> warned = ConcurrentHashMap.newKeySet();
    private final Object clientLock = new Object();
    private volatile UnifiedJedis client;
    private volatile Thread subscriber;
    private volatile Thread sweeper;
    private volatile EventSubscriber pubSub;
    private volatile boolean closed;

    private RedisServiceRegistry(RedisRegistryUri uri) {
        this.uri = uri;
        this.cluster = uri.mode() == RedisRegistryUri.Mode.CLUSTER;
        if (uri.tls() && !uri.verifyPeer()) {
            log.warn("registry {}: verify-peer=false, TLS certificates and host names are NOT checked", uri);
        }
    }

    /**
     * Opens a registry. Does not connect: the first operation does.
     *
     * @throws IllegalArgumentException naming the URI (password masked) and what is wrong with it
     */
    public static RedisServiceRegistry open(String uri) {
        return new RedisServiceRegistry(RedisRegistryUri.parse(uri));
    }

    /** Checks a URI without opening anything. */
    public static void validate(String uri) {
        RedisRegistryUri.parse(uri);
    }

    @Override
    public void register(ServiceInstance instance, Duration ttl) {
        Ttl.check(ttl);
        ObjectNode json = InstanceCodec.toJson(instance);
        json.put("ttlMillis", ttl.toMillis());
        String service = instance.service();
        List<String> args = List.of(instance.id(), InstanceCodec.toString(json), Long.toString(ttl.toMillis()),
                channel(service), Long.toString(KEY_GRACE_MILLIS), service);
        String operation = "register " + service + "/" + instance.id();
        if (cluster) {
            ttls.put(service + "/" + instance.id(), ttl.toMillis());
            callWithIndex(operation, RedisScript.REGISTER, keys(service, true), args, service,
                    INDEX_TTL_FACTOR * ttl.toMillis());
            nominatedAt.put(service + "/" + instance.id(), System.nanoTime());
        } else {
            call(operation, RedisScript.REGISTER, keys(service, true), args);
        }
    }

    @Override
    public boolean renew(String service, String id) {
        ServiceInstance.checkServiceName(service);
        ServiceInstance.checkInstanceId(id);
        List<String> args = List.of(id, channel(service), Long.toString(KEY_GRACE_MILLIS), service);
        String operation = "renew " + service + "/" + id;
        Object expires;
        String key = service + "/" + id;
        long ttl = ttls.getOrDefault(key, KEY_GRACE_MILLIS);
        Long nominated = nominatedAt.get(key);
        long now = System.nanoTime();
        if (cluster && (nominated == null || now - nominated >= TimeUnit.MILLISECONDS.toNanos(ttl))) {
            // the index entry lasts INDEX_TTL_FACTOR × ttl: renewing it once per ttl keeps it ahead of the lease,
            // and the other renewals are one script call to the service's node, as on a single server
            expires = callWithIndex(operation, RedisScript.RENEW, keys(service, true), args, service,
                    INDEX_TTL_FACTOR * ttl);
            nominatedAt.put(key, now);
        } else {
            expires = call(operation, RedisScript.RENEW, keys(service, true), args);
        }
        return expires instanceof Long value && value > 0;
    }

    @Override
    public boolean deregister(String service, String id) {
        ServiceInstance.checkServiceName(service);
        ServiceInstance.checkInstanceId(id);
        ttls.remove(service + "/" + id);
        nominatedAt.remove(service + "/" + id);
        Object live = call("deregister " + service + "/" + id, RedisScript.DEREGISTER, keys(service, true),
                List.of(id, channel(service), service));
        return Long.valueOf(1).equals(live);
    }

    @Override
    public List<ServiceInstance> instances(String service) {
        ServiceInstance.checkServiceName(service);
        Object reply = call("read " + service, RedisScript.INSTANCES, keys(service, false), List.of());
        List<ServiceInstance> instances = new ArrayList<>();
        if (reply instanceof List<?> values) {
            for (Object value : values) {
                ServiceInstance instance = decode(service, value);
                if (instance != null) {
                    instances.add(instance);
                }
            }
        }
        instances.sort(Comparator.comparing(ServiceInstance::id));
        return List.copyOf(instances);
    }

    @Override
    public List<dev.beacon.registry.Lease> leases(String service) {
        ServiceInstance.checkServiceName(service);
        Object reply = call("read " + service, RedisScript.LEASES, keys(service, false), List.of());
        List<dev.beacon.registry.Lease> leases = new ArrayList<>();
        if (reply instanceof List<?> values) {
            for (int i = 0; i + 1 < values.size(); i += 2) {
                ServiceInstance instance = decode(service, values.get(i));
                if (instance == null) {
                    continue;
                }
                try {
                    long expiresAt = (long) Double.parseDouble(String.valueOf(values.get(i + 1)));
                    long ttl = InstanceCodec.longValue(InstanceCodec.parse(String.valueOf(values.get(i))
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8)), "ttlMillis");
                    leases.add(new dev.beacon.registry.Lease(instance, java.time.Instant.ofEpochMilli(expiresAt - ttl),
                            java.time.Instant.ofEpochMilli(expiresAt)));
                } catch (RuntimeException e) {
                    String text = String.valueOf(values.get(i));
                    warnOnce(service + "|lease|" + text.length() + "|" + text.hashCode(),
                            "skipping an unreadable lease of {}: {}", service, e.getMessage());
                }
            }
        }
        leases.sort(Comparator.comparing(l -> l.instance().id()));
        return List.copyOf(leases);
    }

    @Override
    public Set<String> services() {
        Object reply = call("list services", RedisScript.SERVICES, List.of(indexKey()),
                List.of(Long.toString(KEY_GRACE_MILLIS)));
        Set<String> names = new TreeSet<>();
        if (reply instanceof List<?> values) {
            for (Object value : values) {
                String name = String.valueOf(value);
                try {
                    names.add(ServiceInstance.checkServiceName(name));
                } catch (IllegalArgumentException e) {
                    warnOnce("index|" + name, "skipping an invalid name in the services index {}: {}", indexKey(),
                            e.getMessage());
                }
            }
        }
        if (cluster && !names.isEmpty()) {
            names.retainAll(confirmLive(names));
        }
        return Collections.unmodifiableSet(names);
    }

    /** Cluster: the index may lag a deregistration; keep the candidates that still hold a live lease. */
    private Set<String> confirmLive(Set<String> candidates) {
        Map<String, Response<Object>> counts = new LinkedHashMap<>();
        try (AbstractPipeline pipeline = client().pipelined()) {
            for (String service : candidates) {
                counts.put(service, pipeline.eval(RedisScript.LIVE_COUNT.source(), keys(service, false),
                        List.of()));
            }
            pipeline.sync();
        } catch (JedisException e) {
            throw unavailable("list services", e);
        }
        Set<String> live = new TreeSet<>();
        counts.forEach((service, count) -> {
            if (count.get() instanceof Long n && n > 0) {
                live.add(service);
            }
        });
        return live;
    }

    @Override
    public Subscription watch(String service, java.util.function.Consumer<RegistryEvent> listener) {
        ServiceInstance.checkServiceName(service);
        Objects.requireNonNull(listener, "listener");
        checkOpen();
        // Events are promised from now on. Pub/sub delivers asynchronously, so the listener starts closed, and a
        // marker published after the subscription is confirmed opens it: whatever was published before the marker
        // (before this call returned) is not delivered to it.
        GatedListener gated = new GatedListener(listener);
        Subscription subscription = hub.add(service, gated);
        String channel = channel(service);
        java.util.concurrent.CountDownLatch confirmed =
                subscribed.computeIfAbsent(channel, c -> new java.util.concurrent.CountDownLatch(1));
        if (channels.add(channel)) {
            EventSubscriber current = pubSub;
            if (current != null && current.isSubscribed()) {
                try {
                    current.subscribe(channel);
                } catch (RuntimeException e) {
                    log.debug("subscribing {} deferred to the next reconnection", channel, e);
                }
            }
        }
        startBackgroundThreads();
        long deadline = System.nanoTime() + uri.timeout().toNanos();
        try {
            if (confirmed.await(uri.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                String marker = java.util.UUID.randomUUID().toString();
                markers.put(marker, gated);
                RedisScript.MARKER.run(client(), keys(service, false).subList(0, 1),
                        List.of(channel, "{\"type\":\"MARKER\",\"id\":\"" + marker + "\"}"));
                gated.opened.await(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                markers.remove(marker);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.debug("registry {}: watch of {} not confirmed; events follow once it is", uri, service, e);
        }
        gated.open(); // best effort when Redis did not confirm in time
        return subscription;
    }

    private synchronized void startBackgroundThreads() {
        if (closed) {
            return;
        }
        if (subscriber == null) {
            subscriber = daemon("beacon-redis-subscriber", this::subscribeLoop);
        }
        if (sweeper == null) {
            sweeper = daemon("beacon-redis-sweeper", this::sweepLoop);
        }
    }

    private static Thread daemon(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private void subscribeLoop() {
        long backoff = 100;
        boolean warned = false;
        while (!closed) {
            EventSubscriber listener = new EventSubscriber();
            pubSub = listener;
            try {
                client().subscribe(listener, channels.toArray(new String[0]));
                backoff = 100;
            } catch (RuntimeException e) {
                if (closed) {
                    return;
                }
                if (!warned) {
                    log.warn("registry {}: event subscription lost; reconnecting with backoff", uri, e);
                    warned = true;
                } else {
                    log.debug("registry {}: event subscription still down", uri, e);
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(backoff));
                backoff = Math.min(backoff * 2, 2_000);
                continue;
            }
            warned = false;
        }
    }

    private void sweepLoop() {
        while (!closed) {
            for (String service : hub.watchedServices()) {
                try {
                    call("sweep " + service, RedisScript.SWEEP, keys(service, false),
                            List.of(channel(service), Integer.toString(SWEEP_LIMIT)));
                } catch (RegistryUnavailableException e) {
                    log.debug("sweep of {} failed; retrying", service, e);
                }
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(SWEEP_INTERVAL_MILLIS));
        }
    }

    /** Delivers pub/sub messages to the watch hub; subscribes channels added while it was connecting. */
    private final class EventSubscriber extends JedisPubSub {
        @Override
        public void onSubscribe(String channel, int subscribedChannels) {
            java.util.concurrent.CountDownLatch latch = subscribed.get(channel);
            if (latch != null) {
                latch.countDown();
            }
            for (String wanted : channels) {
                if (subscribedChannels < channels.size() && !wanted.equals(channel)) {
                    subscribe(wanted);
                }
            }
        }

        @Override
        public void onMessage(String channel, String message) {
            if (closed) {
                return;
            }
            try {
                JsonNode node = InstanceCodec.parse(message.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                if ("MARKER".equals(node.path("type").asText())) {
                    GatedListener gated = markers.get(node.path("id").asText());
                    if (gated != null) {
                        hub.runInOrder(gated::open);
                    }
                    return;
                }
                RegistryEvent.Type type = RegistryEvent.Type.valueOf(InstanceCodec.text(node, "type"));
                ServiceInstance instance = InstanceCodec.fromJson(node.path("instance"));
                hub.publish(new RegistryEvent(type, instance));
            } catch (RuntimeException e) {
                log.warn("registry {}: skipping an unreadable event on {}: {}", uri, channel, e.getMessage());
            }
        }
    }

    /** A watch listener that ignores events until its marker comes back through the subscription. */
    private static final class GatedListener implements java.util.function.Consumer<RegistryEvent> {
        private final java.util.function.Consumer<RegistryEvent> delegate;
        private final java.util.concurrent.CountDownLatch opened = new java.util.concurrent.CountDownLatch(1);

        GatedListener(java.util.function.Consumer<RegistryEvent> delegate) {
            this.delegate = delegate;
        }

        void open() {
            opened.countDown();
        }

        @Override
        public void accept(RegistryEvent event) {
            if (opened.getCount() == 0) {
                delegate.accept(event);
            }
        }
    }

    /**
     * Cluster: the services index lives in another slot than the service, so a script cannot update both. The
     * service's script and the index update go out in one pipeline (one round trip to the two nodes, in parallel);
     * the index entry is timed by the index node's clock and only nominates candidates that {@link #services()}
     * confirms against the service's own, server-timed leases.
     */
    private Object callWithIndex(String operation, RedisScript script, List<String> keys, List<String> args,
                                 String service, long ttlMillis) {
        checkOpen();
        Response<Object> result;
        try (AbstractPipeline pipeline = client().pipelined()) {
            result = pipeline.eval(script.source(), keys, args);
            pipeline.eval(RedisScript.INDEX.source(), List.of(indexKey()), List.of(service, Long.toString(ttlMillis)));
            pipeline.sync();
        } catch (JedisException e) {
            throw unavailable(operation, e);
        }
        try {
            return result.get();
        } catch (JedisException e) {
            throw unavailable(operation, e);
        }
    }

    private ServiceInstance decode(String service, Object value) {
        try {
            ServiceInstance instance = InstanceCodec.fromJson(
                    InstanceCodec.parse(String.valueOf(value).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            if (!instance.service().equals(service)) {
                throw new InstanceCodec.InvalidEntryException("entry of " + instance.service() + " in " + service);
            }
            return instance;
        } catch (RuntimeException e) {
            String text = String.valueOf(value);
            warnOnce(service + "|" + text.length() + "|" + text.hashCode(),
                    "skipping an unreadable entry of {}: {}", service, e.getMessage());
            return null;
        }
    }

    /** Logs a bad stored value once (again only if it changes), however often it is read. */
    private void warnOnce(String key, String pattern, Object... arguments) {
        if (warned.size() < 10_000 && warned.add(key)) {
            Object[] all = new Object[arguments.length + 1];
            all[0] = uri;
            System.arraycopy(arguments, 0, all, 1, arguments.length);
            log.warn("registry {}: " + pattern, all);
        }
    }

    private Object call(String operation, RedisScript script, List<String> keys, List<String> args) {
        checkOpen();
        try {
            return script.run(client(), keys, args);
        } catch (JedisException e) {
            throw unavailable(operation, e);
        }
    }

    private UnifiedJedis client() {
        UnifiedJedis current = client;
        if (current != null) {
            return current;
        }
        synchronized (clientLock) {
            if (client == null) {
                checkOpen();
                try {
                    client = RedisClients.create(uri);
                } catch (JedisException e) {
                    throw unavailable("connect", e);
                }
            }
            return client;
        }
    }

    private List<String> keys(String service, boolean withIndex) {
        String tag = uri.prefix() + ":{" + service + "}:";
        if (withIndex && !cluster) {
            return List.of(tag + "i", tag + "l", indexKey());
        }
        return List.of(tag + "i", tag + "l");
    }

    private String indexKey() {
        return uri.prefix() + ":services";
    }

    private String channel(String service) {
        return uri.prefix() + ":{" + service + "}:events";
    }

    private RegistryUnavailableException unavailable(String operation, Exception cause) {
        String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        return new RegistryUnavailableException("redis registry " + uri + " (" + uri.addresses() + "): cannot "
                + operation + ": " + message, cause);
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("registry " + uri + " is closed");
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        EventSubscriber current = pubSub;
        if (current != null && current.isSubscribed()) {
            try {
                current.unsubscribe();
            } catch (RuntimeException ignored) {
                // connection already gone
            }
        }
        hub.close();
        synchronized (clientLock) {
            if (client != null) {
                client.close();
            }
        }
        for (Thread thread : new Thread[]{subscriber, sweeper}) {
            if (thread != null) {
                thread.interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return uri.toString();
    }
}
