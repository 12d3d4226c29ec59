package dev.beacon.registry.redis.internal;

import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisNoScriptException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The registry's Lua scripts (in {@code dev/beacon/registry/redis/*.lua}, each after {@code prelude.lua}), each run
 * atomically by Redis in one round trip: by SHA1 ({@code EVALSHA}), falling back to {@code EVAL} when the server does
 * not know the script yet (new or restarted server, another cluster node). {@link ScriptCall} knows the keys and
 * arguments each one takes.
 */
enum RedisScript {
    REGISTER("register.lua"),
    RENEW("renew.lua"),
    DEREGISTER("deregister.lua"),
    INSTANCES("instances.lua"),
    LEASES("leases.lua"),
    SERVICES("services.lua"),
    LIVE_COUNT("live-count.lua"),
    SWEEP("sweep.lua"),
    INDEX("index.lua"),
    MARKER("marker.lua"),
    START_MAINTENANCE("maintenance-start.lua"),
    END_MAINTENANCE("maintenance-end.lua"),
    MAINTENANCE("maintenance.lua");

    private static final String FOLDER = "/dev/beacon/registry/redis/";

    private final String source;
    private final String sha1;

    RedisScript(String file) {
        source = read("prelude.lua") + read(file);
        try {
            sha1 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                    .digest(source.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String read(String file) {
        try (InputStream in = RedisScript.class.getResourceAsStream(FOLDER + file)) {
            if (in == null) {
                throw new IllegalStateException("missing script " + FOLDER + file);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The text sent with {@code EVAL}: the prelude, then the script. */
    String source() {
        return source;
    }

    /** The SHA1 of {@link #source()}, sent with {@code EVALSHA}. */
    String sha1() {
        return sha1;
    }

    /** Runs the script; Jedis exceptions propagate. */
    Object run(UnifiedJedis client, List<String> keys, List<String> args) {
        try {
            return client.evalsha(sha1, keys, args);
        } catch (JedisNoScriptException e) {
            return client.eval(source, keys, args);
        }
    }
}
