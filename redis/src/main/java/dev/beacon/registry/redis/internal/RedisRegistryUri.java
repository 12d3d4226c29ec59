package dev.beacon.registry.redis.internal;

import dev.beacon.registry.spi.RegistryUriParts;
import dev.beacon.registry.spi.RegistryUriParts.Address;
import dev.beacon.support.Durations;
import dev.beacon.support.Texts;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A parsed Redis registry URI, in the grammar {@link dev.beacon.registry.redis.RedisServiceRegistry} documents.
 * The parts every registry URI has (user info, hosts, path, options) are read by {@link RegistryUriParts}; this
 * class adds Redis's rules: the schemes, the database number or master name, the options' values. Durations
 * ({@code timeout}, {@code connect-timeout}) use Beacon's one {@linkplain Durations duration grammar}.
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

    private static final List<String> SCHEME_NAMES = List.of("redis", "rediss", "redis-sentinel", "redis-cluster");
    static final Set<String> SCHEMES = Set.copyOf(SCHEME_NAMES);
    private static final List<String> OPTIONS = List.of("prefix", "timeout", "connect-timeout", "pool-max", "tls",
            "truststore", "truststore-password", "truststore-type", "verify-peer", "sentinel-user",
            "sentinel-password", "client-name");
    private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
    private static final Pattern MASTER = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    // Jedis counts timeouts in int milliseconds
    private static final Duration MIN_TIMEOUT = Duration.ofMillis(1);
    private static final Duration MAX_TIMEOUT = Duration.ofMillis(Integer.MAX_VALUE);

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
        RegistryUriParts parts = RegistryUriParts.parse(uri, SCHEME_NAMES,
                "scheme://host:port, e.g. redis://127.0.0.1:6379", OPTIONS);
        String scheme = parts.scheme();
        Mode mode = scheme.equals("redis-sentinel") ? Mode.SENTINEL
                : scheme.equals("redis-cluster") ? Mode.CLUSTER : Mode.STANDALONE;
        List<Address> addresses = parts.addresses(mode == Mode.SENTINEL ? 26379 : 6379);
        if (mode == Mode.STANDALONE && addresses.size() > 1) {
            throw parts.invalid("name one host; for several use redis-sentinel:// or redis-cluster://");
        }
        String path = parts.path().isEmpty() ? "" : parts.path().substring(1);
        int database = 0;
        Optional<String> masterName = Optional.empty();
        if (mode == Mode.SENTINEL) {
            if (path.isEmpty() || !MASTER.matcher(path).matches()) {
                throw parts.invalid(
                        "the master name must follow the hosts: redis-sentinel://h1:26379,h2:26379/mymaster");
            }
            masterName = Optional.of(path);
        } else if (!path.isEmpty()) {
            if (mode == Mode.CLUSTER) {
                throw parts.invalid("a cluster has no database number: remove " + Texts.quote("/" + path));
            }
            try {
                database = Integer.parseInt(path);
            } catch (NumberFormatException e) {
                database = -1;
            }
            if (database < 0 || database > 15) {
                throw parts.invalid("database must be a number 0..15, but was " + Texts.quote(path));
            }
        }
        String prefix = parts.option("prefix", "beacon");
        if (!PREFIX.matcher(prefix).matches()) {
            throw parts.invalid("prefix must match [A-Za-z0-9._:-]{1,64}, but was " + Texts.quote(prefix));
        }
        return new RedisRegistryUri(mode, addresses,
                parts.user().map(u -> parts.decode(u, "the user name")),
                parts.password().map(p -> parts.decode(p, "the password")), database, masterName, prefix,
                parts.duration("timeout", Duration.ofSeconds(2), MIN_TIMEOUT, MAX_TIMEOUT),
                parts.duration("connect-timeout", Duration.ofSeconds(2), MIN_TIMEOUT, MAX_TIMEOUT),
                parts.number("pool-max", 8, 2, 1024), scheme.equals("rediss") || parts.flag("tls", false),
                parts.option("truststore").map(Path::of), parts.option("truststore-password"),
                parts.option("truststore-type", "PKCS12"), parts.flag("verify-peer", true),
                parts.option("sentinel-user"), parts.option("sentinel-password"),
                parts.option("client-name", "beacon"), parts.toString());
    }
}
