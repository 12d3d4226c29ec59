package dev.beacon.registry.eureka.internal;

import dev.beacon.registry.spi.RegistryUriParts;
import dev.beacon.registry.spi.RegistryUriParts.Address;
import dev.beacon.support.Texts;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A parsed Eureka registry URI:
 * {@code eureka://[user:password@]host[:port][,host[:port]…][/context-path][?option=value&…]}, port 8761 and context
 * path {@code /eureka} by default (Spring Cloud Netflix's). Options: {@code poll} (how often a watch reads the
 * server, default 1s), {@code timeout} (of one HTTP request, default 5s), {@code tls} ({@code true} for https, default
 * false). The parts every registry URI has are read by {@link RegistryUriParts}. The password never appears in
 * {@link #toString()} nor in a message.
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
    private static final Duration MIN_DURATION = Duration.ofMillis(50);
    private static final Duration MAX_DURATION = Duration.ofMinutes(10);

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
        RegistryUriParts parts = RegistryUriParts.parse(uri, List.of("eureka"),
                "eureka://host:port[,host:port…]/context-path, e.g. eureka://127.0.0.1:8761/eureka", OPTIONS);
        if (parts.user().isPresent() != parts.password().isPresent()) {
            throw parts.invalid("credentials must be user:password (HTTP basic authentication)");
        }
        String path = parts.namePath("context path", DEFAULT_PATH);
        String scheme = parts.flag("tls", false) ? "https" : "http";
        List<URI> servers = parts.addresses(DEFAULT_PORT).stream().map(a -> server(parts, scheme, a, path)).toList();
        return new EurekaRegistryUri(servers, parts.user(), parts.password(),
                parts.duration("poll", Duration.ofSeconds(1), MIN_DURATION, MAX_DURATION),
                parts.duration("timeout", Duration.ofSeconds(5), MIN_DURATION, MAX_DURATION), parts.toString());
    }

    private static URI server(RegistryUriParts parts, String scheme, Address address, String path) {
        URI server;
        try {
            server = new URI(scheme + "://" + address + path);
        } catch (URISyntaxException e) {
            server = null;
        }
        if (server == null || server.getHost() == null) {
            // java.net.URI, and so the HTTP client, finds no host in a name with '_', an empty label or a label that
            // starts or ends with '-'
            throw parts.invalid("host must be a DNS name or an IP address, but was " + Texts.quote(address.host()));
        }
        return server;
    }
}
