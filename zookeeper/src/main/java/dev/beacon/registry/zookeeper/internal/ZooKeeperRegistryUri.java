package dev.beacon.registry.zookeeper.internal;

import dev.beacon.registry.RegistryUris;
import dev.beacon.support.Durations;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A parsed ZooKeeper registry URI:
 * {@code zookeeper://[user:password@]host[:port][,host[:port]…][/base/path][?option=value&…]}, port 2181 by default,
 * base path {@code /services} by default (Spring Cloud Zookeeper's). Options: {@code session-timeout} (default: the
 * ttl of the first registration, else 9s), {@code connect-timeout} (default 5s), {@code payload} ({@code map}, the
 * default, or {@code spring-cloud}). The password never appears in {@link #toString()} nor in a message.
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

    /** A host and port. */
    public record Address(String host, int port) {
        @Override
        public String toString() {
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }
    }

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
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,63}");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._-]{1,253}|\\[[0-9A-Fa-f:.]{2,45}]");

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
        String masked = RegistryUris.mask(uri);
        String text = uri.trim();
        int schemeEnd = text.indexOf("://");
        if (schemeEnd < 0 || !text.substring(0, schemeEnd).toLowerCase(Locale.ROOT).equals("zookeeper")) {
            throw bad(masked, "expected zookeeper://host:port[,host:port…]/base-path, e.g. "
                    + "zookeeper://127.0.0.1:2181/services");
        }
        String rest = text.substring(schemeEnd + 3);
        String query = "";
        int question = rest.indexOf('?');
        if (question >= 0) {
            query = rest.substring(question + 1);
            rest = rest.substring(0, question);
        }
        Optional<String> user = Optional.empty();
        Optional<String> password = Optional.empty();
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            String userInfo = rest.substring(0, at);
            rest = rest.substring(at + 1);
            int colon = userInfo.indexOf(':');
            if (colon <= 0 || colon == userInfo.length() - 1) {
                throw bad(masked, "credentials must be user:password (ZooKeeper digest authentication)");
            }
            user = Optional.of(userInfo.substring(0, colon));
            password = Optional.of(userInfo.substring(colon + 1));
        }
        int slash = rest.indexOf('/');
        String hostPart = slash >= 0 ? rest.substring(0, slash) : rest;
        String path = slash >= 0 ? rest.substring(slash) : "";
        List<Address> addresses = new ArrayList<>();
        for (String hostPort : hostPart.split(",", -1)) {
            addresses.add(address(masked, hostPort.trim()));
        }
        String basePath = basePath(masked, path);
        Map<String, String> options = options(masked, query);
        Optional<Duration> sessionTimeout = Optional.ofNullable(options.get("session-timeout"))
                .map(value -> duration(masked, "session-timeout", value));
        Duration connectTimeout = Optional.ofNullable(options.get("connect-timeout"))
                .map(value -> duration(masked, "connect-timeout", value)).orElse(Duration.ofSeconds(5));
        PayloadStyle payload = switch (options.getOrDefault("payload", "map")) {
            case "map" -> PayloadStyle.MAP;
            case "spring-cloud" -> PayloadStyle.SPRING_CLOUD;
            default -> throw bad(masked, "payload must be map or spring-cloud, but was '" + options.get("payload")
                    + "'");
        };
        return new ZooKeeperRegistryUri(List.copyOf(addresses), user, password, basePath, sessionTimeout,
                connectTimeout, payload, masked);
    }

    private static Address address(String masked, String hostPort) {
        if (hostPort.isEmpty()) {
            throw bad(masked, "expected host[:port] between the commas, e.g. zk1:2181,zk2:2181");
        }
        String host = hostPort;
        int port = DEFAULT_PORT;
        int colon = hostPort.lastIndexOf(':');
        if (colon >= 0 && hostPort.indexOf(']', colon) < 0) {
            host = hostPort.substring(0, colon);
            String portText = hostPort.substring(colon + 1);
            try {
                port = Integer.parseInt(portText);
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (port < 1 || port > 65535) {
                throw bad(masked, "port must be 1..65535, but was '" + portText + "'");
            }
        }
        if (!HOST.matcher(host).matches()) {
            throw bad(masked, "host must be a name or address, but was '" + host + "'");
        }
        if (host.startsWith("[")) {
            host = host.substring(1, host.length() - 1);
        }
        return new Address(host, port);
    }

    private static String basePath(String masked, String path) {
        if (path.isEmpty() || path.equals("/")) {
            return DEFAULT_BASE_PATH;
        }
        String trimmed = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        String[] segments = trimmed.substring(1).split("/", -1);
        for (String segment : segments) {
            if (!SEGMENT.matcher(segment).matches()) {
                throw bad(masked, "base path segments must match [A-Za-z0-9_][A-Za-z0-9._-]{0,63}, but was '"
                        + segment + "'");
            }
        }
        if (segments[0].equals("zookeeper")) {
            throw bad(masked, "base path must not be under /zookeeper (ZooKeeper's own), but was '" + trimmed + "'");
        }
        return trimmed;
    }

    private static Map<String, String> options(String masked, String query) {
        Map<String, String> options = new LinkedHashMap<>();
        if (query.isEmpty()) {
            return options;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            if (!OPTIONS.contains(name)) {
                throw bad(masked, "unknown option '" + name + "'; expected one of " + String.join(", ", OPTIONS));
            }
            if (eq < 0 || eq == pair.length() - 1) {
                throw bad(masked, "option '" + name + "' needs a value");
            }
            options.put(name, pair.substring(eq + 1));
        }
        return options;
    }

    private static Duration duration(String masked, String name, String value) {
        try {
            Duration duration = Durations.parse(name, value);
            if (duration.toMillis() < 100 || duration.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException(name + " must be between 100ms and 1h, but was '" + value + "'");
            }
            return duration;
        } catch (IllegalArgumentException e) {
            throw bad(masked, e.getMessage());
        }
    }

    private static IllegalArgumentException bad(String masked, String problem) {
        return new IllegalArgumentException("invalid ZooKeeper registry URI '" + masked + "': " + problem);
    }
}
