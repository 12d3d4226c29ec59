package dev.beacon.registry.spi;

import dev.beacon.registry.RegistryUris;
import dev.beacon.support.Durations;
import dev.beacon.support.Texts;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The grammar that the URIs of Beacon's networked registries share, read once:
 * {@code scheme://[user[:password]@]host[:port][,host[:port]…][/path][?option=value&…]}. A registry module parses
 * its URI with {@link #parse}, then applies its own rules to the path and the options, reporting a problem with
 * {@link #invalid(String)}.
 *
 * <ul>
 *   <li>The user info runs to the last {@code '@'} before the query, so a password may hold {@code '@'} and
 *       {@code '/'} unencoded; it is split at its first {@code ':'}, and without one it is all password. User and
 *       password are kept as written ({@link #decode} %-decodes them for a registry whose grammar says so).</li>
 *   <li>Hosts are names ({@code [A-Za-z0-9._-]}, up to 253) or IPv4 addresses, or IPv6 addresses in brackets
 *       ({@code [::1]}, a zone after {@code %} allowed), each with an optional port 1..65535.</li>
 *   <li>Options: names are case-insensitive, names and values %-decoded, each given at most once, and only the names
 *       the registry lists; an empty pair ({@code &&}, a trailing {@code &}) is ignored.</li>
 *   <li>Typed options ({@link #duration}, {@link #number}, {@link #flag}, {@link #choice}) check their value when
 *       read: durations in Beacon's one {@linkplain Durations duration grammar}, within the bounds the registry
 *       gives.</li>
 * </ul>
 *
 * <p>Every message is an {@link IllegalArgumentException} that quotes the whole URI as {@link RegistryUris#mask}
 * shows it, then names the bad part and what is expected; the password never appears in a message nor in
 * {@link #toString()}. Immutable and thread-safe.
 */
public final class RegistryUriParts {

    /** A host (an IPv6 address without its brackets) and a port 1..65535. */
    public record Address(String host, int port) {

        /** @throws IllegalArgumentException when the host is empty or the port outside 1..65535 */
        public Address {
            if (host == null || host.isEmpty()) {
                throw new IllegalArgumentException("host must not be empty");
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port must be 1..65535, but was " + port);
            }
        }

        /** {@code host:port}, an IPv6 address in brackets: {@code [::1]:6379}. */
        @Override
        public String toString() {
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }
    }

    /** A host as written, its port 0 when none is given. */
    private record HostPort(String host, int port) {
    }

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,253}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}(%[A-Za-z0-9._-]{1,64})?");
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,63}");
    // only a plain scheme is shown in a message: text before "://" that is no scheme may be part of a password
    private static final Pattern SCHEME = Pattern.compile("[a-z][a-z0-9+.-]{0,31}");

    private final String scheme;
    private final Optional<String> user;
    private final Optional<String> password;
    private final List<HostPort> hosts;
    private final String path;
    private final List<String> known;
    private final Map<String, String> options;
    private final String masked;

    private RegistryUriParts(String scheme, Optional<String> user, Optional<String> password, List<HostPort> hosts,
            String path, List<String> known, Map<String, String> options, String masked) {
        this.scheme = scheme;
        this.user = user;
        this.password = password;
        this.hosts = hosts;
        this.path = path;
        this.known = known;
        this.options = options;
        this.masked = masked;
    }

    /**
     * Splits {@code uri} (surrounding spaces ignored) into its parts and checks them.
     *
     * @param schemes the schemes the registry takes, lower case; a URI's scheme is compared case-insensitively
     * @param form    what a valid URI looks like, for the message when the scheme is missing or another one, e.g.
     *                {@code "zookeeper://host:port[,host:port…]/base-path, e.g. zookeeper://127.0.0.1:2181/services"}
     * @param options the option names the registry takes, lower case
     * @throws IllegalArgumentException naming the URI (password masked), the bad part and what is expected
     */
    public static RegistryUriParts parse(String uri, List<String> schemes, String form, List<String> options) {
        String masked = RegistryUris.mask(uri);
        String text = uri == null ? "" : uri.trim();
        int schemeEnd = text.indexOf("://");
        if (schemeEnd < 0) {
            throw invalid(masked, "expected " + form);
        }
        String scheme = text.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
        if (!schemes.contains(scheme)) {
            String shown = SCHEME.matcher(scheme).matches() ? ", but was " + Texts.quote(scheme) : "";
            throw invalid(masked, "scheme must be " + alternatives(schemes) + shown + "; expected " + form);
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
            user = Optional.of(colon >= 0 ? userInfo.substring(0, colon) : "").filter(u -> !u.isEmpty());
            password = Optional.of(userInfo.substring(colon + 1)).filter(p -> !p.isEmpty());
        }
        int slash = rest.indexOf('/');
        String hostPart = slash >= 0 ? rest.substring(0, slash) : rest;
        String path = slash >= 0 ? rest.substring(slash) : "";
        if (hostPart.isBlank()) {
            throw invalid(masked, "no host given; expected " + form);
        }
        List<HostPort> hosts = new ArrayList<>();
        for (String hostPort : hostPart.split(",", -1)) {
            hosts.add(hostPort(masked, hostPort.trim()));
        }
        return new RegistryUriParts(scheme, user, password, List.copyOf(hosts), path, List.copyOf(options),
                options(masked, query, options), masked);
    }

    private static HostPort hostPort(String masked, String text) {
        if (text.isEmpty()) {
            throw invalid(masked, "expected host[:port] between the commas");
        }
        String host = text;
        String port = null;
        boolean bracketed = text.startsWith("[");
        if (bracketed) {
            int close = text.indexOf(']');
            if (close < 0) {
                throw invalid(masked, "unclosed '[' in host " + Texts.quote(text));
            }
            host = text.substring(1, close);
            if (close + 1 < text.length()) {
                if (text.charAt(close + 1) != ':') {
                    throw invalid(masked, "expected ':port' after " + Texts.quote(text.substring(0, close + 1)));
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
        if (!(bracketed ? IPV6 : NAME).matcher(host).matches()) {
            throw invalid(masked, "host must be a name or address (IPv6 in brackets: [::1]), but was "
                    + Texts.quote(bracketed ? "[" + host + "]" : host));
        }
        return new HostPort(host, port == null ? 0 : number(masked, "port", port, 1, 65535));
    }

    private static Map<String, String> options(String masked, String query, List<String> known) {
        Map<String, String> options = new LinkedHashMap<>();
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(masked, eq >= 0 ? pair.substring(0, eq) : pair, "an option's name")
                    .toLowerCase(Locale.ROOT);
            if (!known.contains(name)) {
                throw invalid(masked, "unknown option " + Texts.quote(name) + "; expected " + alternatives(known));
            }
            String value = eq >= 0 ? decode(masked, pair.substring(eq + 1), "the value of " + name) : "";
            if (options.put(name, value) != null) {
                throw invalid(masked, "option " + Texts.quote(name) + " is given twice; give it once");
            }
        }
        return Map.copyOf(options);
    }

    /** The scheme, lower case. */
    public String scheme() {
        return scheme;
    }

    /** The user name as written, if the user info has a non-empty one before its {@code ':'}. */
    public Optional<String> user() {
        return user;
    }

    /** The password as written, if the user info has a non-empty one (after its {@code ':'}, or all of it). */
    public Optional<String> password() {
        return password;
    }

    /** The hosts in the order written, {@code defaultPort} where a host has no port. */
    public List<Address> addresses(int defaultPort) {
        return hosts.stream().map(h -> new Address(h.host(), h.port() == 0 ? defaultPort : h.port())).toList();
    }

    /** The path as written, from its {@code '/'} on; empty when the URI has none. */
    public String path() {
        return path;
    }

    /**
     * The path as names: {@code defaultPath} when there is none or it is {@code "/"}, else the path without a
     * trailing {@code '/'}, each of its segments matching {@code [A-Za-z0-9_][A-Za-z0-9._-]{0,63}}.
     *
     * @param what what the path is, for the message ({@code "base path"})
     * @throws IllegalArgumentException naming the URI and the bad segment
     */
    public String namePath(String what, String defaultPath) {
        if (path.isEmpty() || path.equals("/")) {
            return defaultPath;
        }
        String trimmed = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        for (String segment : trimmed.substring(1).split("/", -1)) {
            if (!SEGMENT.matcher(segment).matches()) {
                throw invalid(what + " segments must match " + SEGMENT.pattern() + ", but was "
                        + Texts.quote(segment));
            }
        }
        return trimmed;
    }

    /** The options given, by lower-case name, %-decoded; a name given without {@code '='} has the empty value. */
    public Map<String, String> options() {
        return options;
    }

    /** The value of option {@code name}, if given. */
    public Optional<String> option(String name) {
        return Optional.ofNullable(options.get(checkKnown(name)));
    }

    /** The value of option {@code name}, {@code defaultValue} if not given. */
    public String option(String name, String defaultValue) {
        return option(name).orElse(defaultValue);
    }

    /**
     * Option {@code name} as a duration between {@code min} and {@code max}, if given.
     *
     * @throws IllegalArgumentException naming the URI, the option, its value and the forms or bounds expected
     */
    public Optional<Duration> duration(String name, Duration min, Duration max) {
        return option(name).map(value -> {
            Duration duration;
            try {
                duration = Durations.parse(name, value);
            } catch (IllegalArgumentException e) {
                throw invalid(e.getMessage());
            }
            if (duration.compareTo(min) < 0 || duration.compareTo(max) > 0) {
                throw invalid(name + " must be between " + Durations.format(min) + " and " + Durations.format(max)
                        + ", but was " + Texts.quote(value));
            }
            return duration;
        });
    }

    /** Option {@code name} as a duration between {@code min} and {@code max}; {@code defaultValue} if not given. */
    public Duration duration(String name, Duration defaultValue, Duration min, Duration max) {
        return duration(name, min, max).orElse(defaultValue);
    }

    /**
     * Option {@code name} as a whole number {@code min..max}; {@code defaultValue} if not given.
     *
     * @throws IllegalArgumentException naming the URI, the option, its value and the range
     */
    public int number(String name, int defaultValue, int min, int max) {
        return option(name).map(value -> number(masked, name, value, min, max)).orElse(defaultValue);
    }

    /**
     * Option {@code name} as {@code true} or {@code false} (any case); {@code defaultValue} if not given.
     *
     * @throws IllegalArgumentException naming the URI, the option and its value
     */
    public boolean flag(String name, boolean defaultValue) {
        return option(name).map(value -> {
            if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
                return Boolean.parseBoolean(value);
            }
            throw invalid(name + " must be true or false, but was " + Texts.quote(value));
        }).orElse(defaultValue);
    }

    /**
     * Option {@code name} as one of the constants of {@code defaultValue}'s enum, written in lower case with
     * {@code '-'} for {@code '_'} ({@code SPRING_CLOUD} as {@code spring-cloud}, any case); {@code defaultValue} if
     * not given.
     *
     * @throws IllegalArgumentException naming the URI, the option, its value and the choices
     */
    public <E extends Enum<E>> E choice(String name, E defaultValue) {
        E[] constants = defaultValue.getDeclaringClass().getEnumConstants();
        return option(name).map(value -> Arrays.stream(constants)
                .filter(c -> choiceName(c).equals(value.toLowerCase(Locale.ROOT))).findFirst()
                .orElseThrow(() -> invalid(name + " must be "
                        + alternatives(Arrays.stream(constants).map(RegistryUriParts::choiceName).toList())
                        + ", but was " + Texts.quote(value))))
                .orElse(defaultValue);
    }

    /**
     * {@code text}, a part of this URI such as the user or the password, with its %-escapes decoded
     * ({@code +} as a space).
     *
     * @param what what the part is, for the message, which does not show the part ({@code "the password"})
     * @throws IllegalArgumentException naming the URI and the part when an escape is malformed
     */
    public String decode(String text, String what) {
        return decode(masked, text, what);
    }

    /**
     * The exception for a problem with this URI: {@code registry URI '<masked URI>' is not valid: <problem>}.
     *
     * @param problem the bad part and what is expected; it must not show the password
     */
    public IllegalArgumentException invalid(String problem) {
        return invalid(masked, problem);
    }

    /** The URI as given, password masked ({@link RegistryUris#mask}). */
    @Override
    public String toString() {
        return masked;
    }

    private String checkKnown(String name) {
        if (!known.contains(name)) {
            throw new IllegalArgumentException(Texts.quote(name) + " is not one of the options this URI's grammar "
                    + "lists: " + String.join(", ", known));
        }
        return name;
    }

    private static String choiceName(Enum<?> constant) {
        return constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** {@code a}, {@code a or b}, {@code one of a, b, c}. */
    private static String alternatives(List<String> names) {
        return switch (names.size()) {
            case 1 -> names.get(0);
            case 2 -> names.get(0) + " or " + names.get(1);
            default -> "one of " + String.join(", ", names);
        };
    }

    private static int number(String masked, String name, String value, int min, int max) {
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw invalid(masked, name + " must be a number " + min + ".." + max + ", but was " + Texts.quote(value));
    }

    private static String decode(String masked, String text, String what) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw invalid(masked, "malformed %-escape in " + what);
        }
    }

    private static IllegalArgumentException invalid(String masked, String problem) {
        // the whole URI, as Registries shows it: a cut URI would hide which part is meant
        return new IllegalArgumentException("registry URI '" + masked + "' is not valid: " + problem);
    }
}
