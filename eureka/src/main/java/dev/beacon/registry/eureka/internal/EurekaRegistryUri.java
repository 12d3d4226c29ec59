package dev.beacon.registry.eureka.internal;

import dev.beacon.registry.RegistryUris;
import dev.beacon.support.Durations;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A parsed Eureka registry URI:
 * {@code eureka://[user:password@]host[:port][,host[:port]…][/context-path][?option=value&…]}, port 8761 and context
 * path {@code /eureka} by default (Spring Cloud Netflix's). Options: {@code poll} (how often a watch reads the
 * server, default 1s), {@code timeout} (of one HTTP request, default 5s), {@code tls} ({@code true} for https, default
 * false). The password never appears in {@link #toString()} nor in a message.
 */
public record EurekaRegistryUri(
        List<URI> servers,
        Optional<String> user,
        Optional<String> password,
        Duration poll,
        Duration timeout,
        String masked) {

    public static final int DEFAULT_PORT = 8761;
    public static final String DEFAULT_PATH = "/eureka";
    private static final List<String> OPTIONS = List.of("poll", "timeout", "tls");
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,63}");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._-]{1,253}|\\[[0-9A-Fa-f:.]{2,45}]");

    @Override
    public String toString() {
        return masked;
    }

    /** The hosts, as written. */
    public List<String> hosts() {
        return servers.stream().map(URI::getHost).map(h -> h.startsWith("[") ? h.substring(1, h.length() - 1) : h)
                .toList();
    }

    /**
     * Parses {@code uri}.
     *
     * @throws IllegalArgumentException naming the URI (password masked), the bad part and what is expected
     */
    public static EurekaRegistryUri parse(String uri) {
        String masked = RegistryUris.mask(uri);
        if (uri == null) {
            throw bad(masked, "expected eureka://host:port[,host:port…]/eureka");
        }
        String text = uri.trim();
        int schemeEnd = text.indexOf("://");
        if (schemeEnd < 0 || !text.substring(0, schemeEnd).toLowerCase(Locale.ROOT).equals("eureka")) {
            throw bad(masked, "expected eureka://host:port[,host:port…]/context-path, e.g. "
                    + "eureka://127.0.0.1:8761/eureka");
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
                throw bad(masked, "credentials must be user:password (HTTP basic authentication)");
            }
            user = Optional.of(userInfo.substring(0, colon));
            password = Optional.of(userInfo.substring(colon + 1));
        }
        int slash = rest.indexOf('/');
        String hostPart = slash >= 0 ? rest.substring(0, slash) : rest;
        String path = contextPath(masked, slash >= 0 ? rest.substring(slash) : "");
        Map<String, String> options = options(masked, query);
        String scheme = switch (options.getOrDefault("tls", "false")) {
            case "false" -> "http";
            case "true" -> "https";
            default -> throw bad(masked, "tls must be true or false, but was '" + options.get("tls") + "'");
        };
        List<URI> servers = new ArrayList<>();
        for (String hostPort : hostPart.split(",", -1)) {
            servers.add(server(masked, scheme, hostPort.trim(), path));
        }
        Duration poll = Optional.ofNullable(options.get("poll")).map(v -> duration(masked, "poll", v))
                .orElse(Duration.ofSeconds(1));
        Duration timeout = Optional.ofNullable(options.get("timeout")).map(v -> duration(masked, "timeout", v))
                .orElse(Duration.ofSeconds(5));
        return new EurekaRegistryUri(List.copyOf(servers), user, password, poll, timeout, masked);
    }

    private static URI server(String masked, String scheme, String hostPort, String path) {
        if (hostPort.isEmpty()) {
            throw bad(masked, "expected host[:port] between the commas, e.g. eureka1:8761,eureka2:8761");
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
        return URI.create(scheme + "://" + host + ":" + port + path);
    }

    private static String contextPath(String masked, String path) {
        if (path.isEmpty() || path.equals("/")) {
            return DEFAULT_PATH;
        }
        String trimmed = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        for (String segment : trimmed.substring(1).split("/", -1)) {
            if (!SEGMENT.matcher(segment).matches()) {
                throw bad(masked, "context path segments must match [A-Za-z0-9_][A-Za-z0-9._-]{0,63}, but was '"
                        + segment + "'");
            }
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
            if (duration.toMillis() < 50 || duration.compareTo(Duration.ofMinutes(10)) > 0) {
                throw new IllegalArgumentException(name + " must be between 50ms and 10m, but was '" + value + "'");
            }
            return duration;
        } catch (IllegalArgumentException e) {
            throw bad(masked, e.getMessage());
        }
    }

    private static IllegalArgumentException bad(String masked, String problem) {
        return new IllegalArgumentException("invalid Eureka registry URI '" + masked + "': " + problem);
    }
}
