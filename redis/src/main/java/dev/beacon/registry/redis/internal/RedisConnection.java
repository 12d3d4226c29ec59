package dev.beacon.registry.redis.internal;

import dev.beacon.RegistryUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisNoScriptException;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The registry's one Jedis client (a connection pool; for Sentinel and Cluster, also the topology). It is created by
 * the first call that needs it, which may connect (Sentinel, Cluster); when that fails, the next call tries again, so
 * a registry opened while Redis is down starts working when Redis comes back. Every failure of Redis becomes a
 * {@link RegistryUnavailableException} naming the registry (password masked), its addresses, the operation and the
 * cause. Thread-safe; {@link #close()} is idempotent, and calls after it throw {@link IllegalStateException}.
 */
public final class RedisConnection implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RedisConnection.class);

    private final RedisRegistryUri uri;
    private final Object lock = new Object();
    private volatile UnifiedJedis client; // written under lock
    private volatile boolean closed;      // written under lock

    public RedisConnection(RedisRegistryUri uri) {
        this.uri = uri;
        if (uri.tls() && !uri.verifyPeer()) {
            log.warn("registry {}: verify-peer=false, TLS certificates and host names are NOT checked", uri);
        }
    }

    /**
     * Runs one script call.
     *
     * @param operation what the call does, for the message: {@code register orders/a}, {@code read orders}
     * @throws RegistryUnavailableException when Redis cannot be reached or refuses the call
     * @throws IllegalStateException when this connection is closed
     */
    public Object run(String operation, ScriptCall call) {
        UnifiedJedis jedis = client();
        try {
            return call.script().run(jedis, call.keys(), call.args());
        } catch (JedisException e) {
            throw unavailable(operation, e);
        }
    }

    /**
     * Sends the calls in one pipeline: one round trip (in a Cluster, to their nodes in parallel). Returns their
     * replies in order; getting a reply that is an error throws its {@link RegistryUnavailableException}, so a caller
     * decides which replies matter. Scripts go by SHA1; the calls a node answers {@code NOSCRIPT} (it does not know
     * the script yet, so it did not run it) are sent again with their source, in one more round trip.
     *
     * @throws RegistryUnavailableException when the pipeline as a whole fails
     */
    List<Supplier<Object>> pipelined(String operation, List<ScriptCall> calls) {
        UnifiedJedis jedis = client();
        List<Response<Object>> responses = send(operation, jedis, calls, false);
        List<Integer> unknown = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            if (isNoScript(responses.get(i))) {
                unknown.add(i);
            }
        }
        if (!unknown.isEmpty()) {
            List<Response<Object>> again = send(operation, jedis, unknown.stream().map(calls::get).toList(), true);
            for (int k = 0; k < unknown.size(); k++) {
                responses.set(unknown.get(k), again.get(k));
            }
        }
        List<Supplier<Object>> replies = new ArrayList<>(responses.size());
        for (Response<Object> response : responses) {
            replies.add(() -> {
                try {
                    return response.get();
                } catch (JedisException e) {
                    throw unavailable(operation, e);
                }
            });
        }
        return replies;
    }

    private List<Response<Object>> send(String operation, UnifiedJedis jedis, List<ScriptCall> calls,
                                        boolean withSource) {
        List<Response<Object>> responses = new ArrayList<>(calls.size());
        try (AbstractPipeline pipeline = jedis.pipelined()) {
            for (ScriptCall call : calls) {
                RedisScript script = call.script();
                responses.add(withSource ? pipeline.eval(script.source(), call.keys(), call.args())
                        : pipeline.evalsha(script.sha1(), call.keys(), call.args()));
            }
            pipeline.sync();
        } catch (JedisException e) {
            throw unavailable(operation, e);
        }
        return responses;
    }

    private static boolean isNoScript(Response<Object> response) {
        try {
            response.get();
            return false;
        } catch (JedisNoScriptException e) {
            return true;
        } catch (JedisException e) {
            return false;
        }
    }

    /**
     * Subscribes {@code pubSub} to {@code channels} on a connection of its own and returns when it is unsubscribed;
     * until then the calling thread delivers its messages.
     *
     * @throws RegistryUnavailableException when the connection fails or is lost
     */
    void subscribe(JedisPubSub pubSub, String... channels) {
        UnifiedJedis jedis = client();
        try {
            jedis.subscribe(pubSub, channels);
        } catch (JedisException e) {
            throw unavailable("subscribe", e);
        }
    }

    /** @throws IllegalStateException when this connection is closed */
    void checkOpen() {
        if (closed) {
            throw new IllegalStateException("registry " + uri + " is closed");
        }
    }

    boolean isClosed() {
        return closed;
    }

    private UnifiedJedis client() {
        checkOpen();
        UnifiedJedis current = client;
        if (current != null) {
            return current;
        }
        synchronized (lock) {
            checkOpen();
            if (client == null) {
                try {
                    client = RedisClients.create(uri);
                } catch (JedisException e) {
                    throw unavailable("connect", e);
                }
            }
            return client;
        }
    }

    private RegistryUnavailableException unavailable(String operation, Exception cause) {
        String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        return new RegistryUnavailableException("redis registry " + uri + " (" + uri.addresses() + "): cannot "
                + operation + ": " + message, cause);
    }

    /** Closes the client; connections lent to a running call close when it returns them. */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            if (client != null) {
                client.close();
            }
        }
    }

    @Override
    public String toString() {
        return uri.toString();
    }
}
