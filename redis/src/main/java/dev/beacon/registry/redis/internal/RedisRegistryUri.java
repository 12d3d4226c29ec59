package dev.beacon.registry.redis.internal;

import dev.beacon.registry.RegistryUris;
import dev.beacon.support.Durations;
import dev.beacon.support.Texts;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A parsed Redis registry URI, in the grammar {@link dev.beacon.registry.redis.RedisServiceRegistry} documents.
 * Durations ({@code timeout}, {@code connect-timeout}) use Beacon's one {@linkplain Durations duration grammar}.
 * The password never appears in {@link #toString()} nor in a message.
 */
public record RedisRegistryUri(
        Mode mode,
        List<Address> addresses,
        Optional<String> user,
        Optional<String> password,
        int database,
        Optional<String> masterName,
        String prefix,
        Duration timeout,
        Duration connectTimeout,
        int poolMax,
        boolean tls,
        Optional<Path> trustStore,
        Optional<String> trustStorePassword,
        String trustStoreType,
        boolean verifyPeer,
        Optional<String> sentinelUser,
        Optional<String> sentinelPassword,
        String clientName,
        String masked) {

    /** How the registry reaches Redis. */
    public enum Mode { STANDALONE, SENTINEL, CLUSTER }

    /** A host and port. */
    public record Address(String host, int port) {
        @Override
        public String toString() {
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }
    }

    static final Set<String> SCHEMES = Set.of("redis", "rediss", "redis-sentinel", "redis-cluster");
    private static final List<String> OPTIONS = List.of("prefix", "timeout", "connect-timeout", "pool-max", "tls",
            "truststore", "truststore-password", "truststore-type", "verify-peer", "sentinel-user",
            "sentinel-password", "client-name");
    private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
    private static final Pattern MASTER = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    @Override
    public String toString() {
        return masked;
    }

    /**
     * Parses {@code uri}.
     *
     * @throws IllegalArgumentException naming the URI (password masked), the bad part and what is expected
     */
    public static RedisRegistryUri parse(String uri) {
        String masked = RegistryUris.mask(uri);
        int schemeEnd = uri.indexOf("://");
        if (schemeEnd < 0) {
            throw bad(masked, "expected scheme://host:port, e.g. redis://127.0.0.1:6379");
        }
        String scheme = uri.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
        if (!SCHEMES.contains(scheme)) {
            throw bad(masked, "scheme must be one of redis, rediss, redis-sentinel, redis-cluster");
        }
        Mode mode = scheme.equals("redis-sentinel") ? Mode.SENTINEL
                : scheme.equals("redis-cluster") ? Mode.CLUSTER : Mode.STANDALONE;
        String rest = uri.substring(schemeEnd + 3);
        String query = "";
        int q = rest.indexOf('?');
        if (q >= 0) {
            query = rest.substring(q + 1);
            rest = rest.substring(0, q);
        }
        Optional<String> user = Optional.empty();
        Optional<String> password = Optional.empty();
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            String userInfo = rest.substring(0, at);
            rest = rest.substring(at + 1);
            int colon = userInfo.indexOf(':');
            String u = colon >= 0 ? userInfo.substring(0, colon) : "";
            String p = colon >= 0 ? userInfo.substring(colon + 1) : userInfo;
            if (!u.isEmpty()) {
                user = Optional.of(decode(masked, u, "the user name"));
            }
            if (!p.isEmpty()) {
                password = Optional.of(decode(masked, p, "the password"));
            }
        }
        String hosts = rest;
        String path = "";
        int slash = rest.indexOf('/');
        if (slash >= 0) {
            hosts = rest.substring(0, slash);
            path = rest.substring(slash + 1);
        }
        int defaultPort = mode == Mode.SENTINEL ? 26379 : 6379;
        List<Address> addresses = new ArrayList<>();
        for (String host : hosts.split(",")) {
            if (!host.isBlank()) {
                addresses.add(address(masked, host.trim(), defaultPort));
            }
        }
        if (addresses.isEmpty()) {
            throw bad(masked, "no host given");
        }
        if (mode == Mode.STANDALONE && addresses.size() > 1) {
            throw bad(masked, "name one host; for several use redis-sentinel:// or redis-cluster://");
        }
        int database = 0;
        Optional<String> masterName = Optional.empty();
        if (mode == Mode.SENTINEL) {
            if (path.isEmpty() || !MASTER.matcher(path).matches()) {
                throw bad(masked, "the master name must follow the hosts: redis-sentinel://h1:26379,h2:26379/mymaster");
            }
            masterName = Optional.of(path);
        } else if (!path.isEmpty()) {
            if (mode == Mode.CLUSTER) {
                throw bad(masked, "a cluster has no database number: remove " + Texts.quote("/" + path));
            }
            try {
                database = Integer.parseInt(path);
            } catch (NumberFormatException e) {
                database = -1;
            }
            if (database < 0 || database > 15) {
                throw bad(masked, "database must be a number 0..15, but was " + Texts.quote(path));
            }
        }
        Map<String, String> options = options(masked, query);
        String prefix = options.getOrDefault("prefix", "beacon");
        if (!PREFIX.matcher(prefix).matches()) {
            throw bad(masked, "prefix must match [A-Za-z0-9._:-]{1,64}, but was " + Texts.quote(prefix));
        }
        Duration timeout = duration(masked, "timeout", options.getOrDefault("timeout", "2s"));
        Duration connectTimeout = duration(masked, "connect-timeout", options.getOrDefault("connect-timeout", "2s"));
        int poolMax = integer(masked, "pool-max", options.getOrDefault("pool-max", "8"), 2, 1024);
        boolean tls = scheme.equals("rediss") || bool(masked, "tls", options.getOrDefault("tls", "false"));
        boolean verifyPeer = bool(masked, "verify-peer", options.getOrDefault("verify-peer", "true"));
        return new RedisRegistryUri(mode, List.copyOf(addresses), user, password, database, masterName, prefix,
                timeout, connectTimeout, poolMax, tls, Optional.ofNullable(options.get("truststore")).map(Path::of),
                Optional.ofNullable(options.get("truststore-password")),
                options.getOrDefault("truststore-type", "PKCS12"), verifyPeer,
                Optional.ofNullable(options.get("sentinel-user")), Optional.ofNullable(options.get("sentinel-password")),
                options.getOrDefault("client-name", "beacon"), masked);
    }

    private static Address address(String masked, String text, int defaultPort) {
        String host = text;
        String port = null;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0) {
                throw bad(masked, "unclosed '[' in host " + Texts.quote(text));
            }
            host = text.substring(1, close);
            if (close + 1 < text.length()) {
                if (text.charAt(close + 1) != ':') {
                    throw bad(masked, "expected ':port' after " + Texts.quote(text.substring(0, close + 1)));
                }
                port = text.substring(close + 2);
            }
        } else {
            int colon = text.lastIndexOf(':');
            if (colon >= 0) {
                host = text.substring(0, colon);
                port = text.substring(colon + 1);
            }
        }
        if (host.isEmpty() || !host.matches("[A-Za-z0-9._:%-]+")) {
            throw bad(masked, "bad host " + Texts.quote(host));
        }
        return new Address(host, port == null ? defaultPort : integer(masked, "port", port, 1, 65535));
    }

    private static Map<String, String> options(String masked, String query) {
        Map<String, String> options = new LinkedHashMap<>();
        if (query.isEmpty()) {
            return options;
        }
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = decode(masked, eq >= 0 ? pair.substring(0, eq) : pair, "an option's name")
                    .toLowerCase(Locale.ROOT);
            if (!OPTIONS.contains(key)) {
                throw bad(masked, "unknown option " + Texts.quote(key) + "; valid options: "
                        + String.join(", ", OPTIONS));
            }
            String value = eq >= 0 ? decode(masked, pair.substring(eq + 1), "the value of " + key) : "";
            options.put(key, value);
        }
        return options;
    }

    /** A positive duration that Jedis can take (it counts timeouts in int milliseconds). */
    private static Duration duration(String masked, String key, String value) {
        Duration d;
        try {
            d = Durations.parse(key, value);
        } catch (IllegalArgumentException e) {
            throw bad(masked, e.getMessage());
        }
        if (d.isZero() || d.compareTo(Duration.ofMillis(Integer.MAX_VALUE)) > 0) {
            throw bad(masked, key + " must be more than 0 and at most " + Integer.MAX_VALUE + "ms, but was "
                    + Texts.quote(value));
        }
        return d;
    }

    private static int integer(String masked, String key, String value, int min, int max) {
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw bad(masked, key + " must be a number " + min + ".." + max + ", but was " + Texts.quote(value));
    }

    private static boolean bool(String masked, String key, String value) {
        if (value.equalsIgnoreCase("true")) {
            return true;
        }
        if (value.equalsIgnoreCase("false")) {
            return false;
        }
        throw bad(masked, key + " must be true or false, but was " + Texts.quote(value));
    }

    /** Decodes %-escapes; {@code what} names the part without showing it (it may be a password). */
    private static String decode(String masked, String value, String what) {
        try {
            return URLDecoder.decode(value, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw bad(masked, "malformed %-escape in " + what);
        }
    }

    private static IllegalArgumentException bad(String masked, String problem) {
        // the whole URI, as Registries shows it: a cut URI would hide which part is meant
        return new IllegalArgumentException("registry URI '" + masked + "' is not valid: " + problem);
    }
}
