package dev.beacon.server.internal;

import dev.beacon.balance.LoadBalancer;
import dev.beacon.support.Texts;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * What a server runs with: the one home of each setting's default and bounds. {@code BeaconServer.Builder} checks
 * every value here as it is set (so that a bad one fails at its setter) and builds the record, whose constructor
 * checks them all again. Immutable.
 *
 * @param port                TCP port, 0..65535 (0: any free port)
 * @param bind                the local address to listen on, an IP literal or host name
 * @param token               the bearer token writes need, if any
 * @param maxBodyBytes        largest accepted request body
 * @param threads             worker threads
 * @param readTimeout         how long a client may take to send a whole request
 * @param writeTimeout        how long one response write may block
 * @param maxEventStreams     event streams open at once
 * @param keepAliveInterval   quiet time after which an event stream writes a keep-alive comment
 * @param serviceScanInterval how often the registry's service list is read to watch new services
 * @param strategies          balancer factories by strategy name, for {@code GET /services/{name}/instance}
 * @param indexPage           the page at {@code GET /}, if any
 * @param tls                 the certificate and key to serve HTTPS with; empty: plain HTTP
 * @param protectReads        whether reads need the token too (all but {@code /health}); needs a token
 */
public record ServerSettings(int port, String bind, Optional<BearerToken> token, int maxBodyBytes, int threads,
                             Duration readTimeout, Duration writeTimeout, int maxEventStreams,
                             Duration keepAliveInterval, Duration serviceScanInterval,
                             Map<String, Supplier<LoadBalancer>> strategies, Optional<IndexPage> indexPage,
                             Optional<TlsIdentity> tls, boolean protectReads) {

    public static final int DEFAULT_MAX_BODY_BYTES = 64 * 1024;
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_WRITE_TIMEOUT = Duration.ofSeconds(10);
    public static final int DEFAULT_MAX_EVENT_STREAMS = 64;
    public static final Duration DEFAULT_KEEP_ALIVE_INTERVAL = Duration.ofSeconds(15);
    public static final Duration DEFAULT_SERVICE_SCAN_INTERVAL = Duration.ofSeconds(2);

    private static final Pattern STRATEGY_NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");

    public ServerSettings {
        checkPort(port);
        bind = checkBind(bind);
        Objects.requireNonNull(token, "token");
        checkMaxBodyBytes(maxBodyBytes);
        checkThreads(threads);
        checkReadTimeout(readTimeout);
        checkWriteTimeout(writeTimeout);
        checkMaxEventStreams(maxEventStreams);
        checkKeepAliveInterval(keepAliveInterval);
        checkServiceScanInterval(serviceScanInterval);
        Map<String, Supplier<LoadBalancer>> copy = new LinkedHashMap<>();
        strategies.forEach((name, balancer) -> copy.put(checkStrategyName(name),
                Objects.requireNonNull(balancer, "balancer")));
        strategies = java.util.Collections.unmodifiableMap(copy);
        Objects.requireNonNull(indexPage, "indexPage");
        Objects.requireNonNull(tls, "tls");
        if (protectReads && token.isEmpty()) {
            throw new IllegalArgumentException("protecting reads needs a token: set one, or leave reads open");
        }
    }

    /** Twice the processors, at least 4. */
    public static int defaultThreads() {
        return Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
    }

    /**
     * The balancing strategies {@code GET /services/{name}/instance?strategy=} accepts unless told otherwise: the
     * built-in balancers by their names ({@link LoadBalancer#NAMES}), {@value InstancePicker#DEFAULT_STRATEGY} the
     * default.
     */
    public static Map<String, Supplier<LoadBalancer>> builtInStrategies() {
        Map<String, Supplier<LoadBalancer>> strategies = new LinkedHashMap<>();
        for (String name : LoadBalancer.NAMES) {
            strategies.put(name, () -> LoadBalancer.named(name));
        }
        return strategies;
    }

    public static int checkPort(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, but was " + port);
        }
        return port;
    }

    /** @return the address without surrounding blanks */
    public static String checkBind(String address) {
        if (address == null || address.isBlank() || address.length() > 253) {
            throw new IllegalArgumentException("bind address must be an IP address or host name, but was "
                    + Texts.quote(address));
        }
        return address.trim();
    }

    public static int checkMaxBodyBytes(int bytes) {
        if (bytes < 1024 || bytes > 16 * 1024 * 1024) {
            throw new IllegalArgumentException("max body bytes must be 1024..16777216, but was " + bytes);
        }
        return bytes;
    }

    public static int checkThreads(int threads) {
        if (threads < 1 || threads > 256) {
            throw new IllegalArgumentException("threads must be 1..256, but was " + threads);
        }
        return threads;
    }

    public static Duration checkReadTimeout(Duration timeout) {
        return checkDuration("read timeout", timeout, Duration.ofMillis(100), Duration.ofMinutes(5));
    }

    public static Duration checkWriteTimeout(Duration timeout) {
        return checkDuration("write timeout", timeout, Duration.ofMillis(100), Duration.ofMinutes(5));
    }

    public static int checkMaxEventStreams(int streams) {
        if (streams < 1 || streams > 10_000) {
            throw new IllegalArgumentException("max event streams must be 1..10000, but was " + streams);
        }
        return streams;
    }

    public static Duration checkKeepAliveInterval(Duration interval) {
        return checkDuration("keep-alive interval", interval, Duration.ofMillis(10), Duration.ofMinutes(5));
    }

    public static Duration checkServiceScanInterval(Duration interval) {
        return checkDuration("service scan interval", interval, Duration.ofMillis(50), Duration.ofMinutes(10));
    }

    public static String checkStrategyName(String name) {
        if (name == null || !STRATEGY_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("strategy name must match [a-z0-9][a-z0-9-]{0,31}, but was "
                    + Texts.quote(name));
        }
        return name;
    }

    private static Duration checkDuration(String what, Duration value, Duration min, Duration max) {
        if (value == null || value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new IllegalArgumentException(what + " must be between " + min.toMillis() + "ms and "
                    + max.toMinutes() + "m, but was " + value);
        }
        return value;
    }
}
