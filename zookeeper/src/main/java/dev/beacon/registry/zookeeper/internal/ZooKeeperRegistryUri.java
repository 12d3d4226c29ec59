package dev.beacon.registry.zookeeper.internal;

import dev.beacon.registry.spi.RegistryUriParts;
import dev.beacon.registry.spi.RegistryUriParts.Address;
import dev.beacon.support.Texts;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A parsed ZooKeeper registry URI:
 * {@code zookeeper://[user:password@]host[:port][,host[:port]…][/base/path][?option=value&…]}, port 2181 by default,
 * base path {@code /services} by default (Spring Cloud Zookeeper's). Options: {@code session-timeout} (default: the
 * ttl of the first registration, else 9s), {@code connect-timeout} (default 5s), {@code payload} ({@code map}, the
 * default, or {@code spring-cloud}). The parts every registry URI has are read by {@link RegistryUriParts}. The
 * password never appears in {@link #toString()} nor in a message.
 */
public record ZooKeeperRegistryUri(
        List<Address> addresses,
        Optional<String> user,
        Optional<String> password,
        String basePath,
        Optional<Duration> sessionTimeout,
        Duration connectTimeout,
        PayloadStyle payload,
        String masked) {

    /** How the Curator payload is typed, for the readers that must deserialize it. */
    public enum PayloadStyle {
        /** {@code "@class":"java.util.LinkedHashMap"}: any Curator client whose payload class is Map or Object. */
        MAP,
        /** Spring Cloud Zookeeper's {@code ZookeeperInstance}: its discovery clients, and Map readers that have it. */
        SPRING_CLOUD
    }

    public static final int DEFAULT_PORT = 2181;
    public static final String DEFAULT_BASE_PATH = "/services";
    private static final List<String> OPTIONS = List.of("session-timeout", "connect-timeout", "payload");
    private static final Duration MIN_TIMEOUT = Duration.ofMillis(100);
    private static final Duration MAX_TIMEOUT = Duration.ofHours(1);

    @Override
    public String toString() {
        return masked;
    }

    /** {@code host:port,host:port}, as ZooKeeper's client takes it. */
    public String connectString() {
        return String.join(",", addresses.stream().map(Address::toString).toList());
    }

    /**
     * Parses {@code uri}.
     *
     * @throws IllegalArgumentException naming the URI (password masked), the bad part and what is expected
     */
    public static ZooKeeperRegistryUri parse(String uri) {
        RegistryUriParts parts = RegistryUriParts.parse(uri, List.of("zookeeper"),
                "zookeeper://host:port[,host:port…]/base-path, e.g. zookeeper://127.0.0.1:2181/services", OPTIONS);
        if (parts.user().isPresent() != parts.password().isPresent()) {
            throw parts.invalid("credentials must be user:password (ZooKeeper digest authentication)");
        }
        String basePath = parts.namePath("base path", DEFAULT_BASE_PATH);
        if (basePath.equals("/zookeeper") || basePath.startsWith("/zookeeper/")) {
            throw parts.invalid("base path must not be under /zookeeper (ZooKeeper's own), but was "
                    + Texts.quote(basePath));
        }
        return new ZooKeeperRegistryUri(parts.addresses(DEFAULT_PORT), parts.user(), parts.password(), basePath,
                parts.duration("session-timeout", MIN_TIMEOUT, MAX_TIMEOUT),
                parts.duration("connect-timeout", Duration.ofSeconds(5), MIN_TIMEOUT, MAX_TIMEOUT),
                parts.choice("payload", PayloadStyle.MAP), parts.toString());
    }
}
