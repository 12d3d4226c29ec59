package dev.beacon.agent.config;

import dev.beacon.registry.Ttl;
import dev.beacon.support.Durations;

import dev.beacon.ServiceInstance;
import dev.beacon.Status;
import dev.beacon.agent.logging.AgentLog;
import dev.beacon.health.HealthThresholds;
import dev.beacon.registry.Registries;
import dev.beacon.registry.RegistryUris;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Reads the agent's settings from three sources, highest precedence first:
 * <ol>
 *   <li>the agent arguments: {@code -javaagent:beacon-agent.jar=service=orders,ttl=10s,meta.version=1.4};</li>
 *   <li>system properties {@code beacon.<key>} ({@code -Dbeacon.service=orders});</li>
 *   <li>environment variables {@code BEACON_<KEY>}, upper case, {@code -} and {@code .} written {@code _}
 *       ({@code BEACON_SERVICE=orders}, {@code BEACON_EXCLUDE_PORTS=5005}, {@code BEACON_META_ZONE=eu-1}).</li>
 * </ol>
 * Agent arguments are {@code key=value} pairs separated by commas; a piece that does not start with {@code key=}
 * continues the previous value, so lists and URIs need no quoting: {@code exclude-ports=5005,9010},
 * {@code registry=redis-sentinel://h1:26379,h2:26379/mymaster?prefix=prod}. Unknown keys in the agent arguments are errors;
 * unknown {@code beacon.*} properties and {@code BEACON_*} variables are ignored (other tools share the prefix).
 */
public final class AgentConfigParser {

    /** Every key, in the order the README documents them. */
    public static final List<String> KEYS = List.of("service", "registry", "ttl", "heartbeat", "host", "port", "id",
            "meta.<key>", "exclude-ports", "ports", "interface", "network", "drain", "health", "health-interval", "health-rise", "health-fall", "log",
            "enabled");

    /**
     * Nine seconds, renewed every three (ttl/3): an instance that crashed stops being chosen within 9.5 s — under the
     * 10 s Beacon promises at its defaults, the sweeper's half second included — after three missed heartbeats.
     * One Redis core carries the renewals of 10,000 instances at this heartbeat (3,333/s) several times over; for
     * 100,000 (33,333/s, near one core's limit) use Redis Cluster or a longer ttl. See BENCHMARKS.md, "Scale".
     */
    public static final Duration DEFAULT_TTL = Duration.ofSeconds(9);
    /**
     * Two seconds between self-checks: a failing app is DOWN within {@code fall} × 2 s (6 s with the default fall of
     * 3, sooner than a dead one's 9 s lease runs out) for one local GET every two seconds.
     */
    public static final Duration DEFAULT_HEALTH_INTERVAL = Duration.ofSeconds(2);
    private static final Duration MIN_HEALTH_INTERVAL = Duration.ofMillis(100);
    private static final Duration MAX_HEALTH_INTERVAL = Duration.ofMinutes(10);
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._:%-]{1,253}");
    private static final Pattern PORT_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,31}");
    private static final Pattern INTERFACE = Pattern.compile("[A-Za-z0-9._:@-]{1,32}");
    private static final Pattern KEY_SHAPE = Pattern.compile("[A-Za-z0-9._-]+");

    private AgentConfigParser() {
    }

    /**
     * Parses and validates.
     *
     * @param agentArgs  the string after {@code =} in {@code -javaagent:}, may be null
     * @param properties the system properties
     * @param env        the environment
     * @throws IllegalArgumentException with one line naming the key, the bad value and what is valid
     */
    public static AgentConfig parse(String agentArgs, Map<?, ?> properties, Map<String, String> env) {
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, String> metadata = new TreeMap<>();
        readEnvironment(env, values, metadata);
        readProperties(properties, values, metadata);
        readAgentArguments(agentArgs, values, metadata);

        boolean enabled = parseBoolean("enabled", values.getOrDefault("enabled", "true"));
        String service = values.containsKey("service")
                ? check("service", values.get("service"), ServiceInstance::checkServiceName)
                : defaultServiceName(properties);
        String registry = check("registry", values.getOrDefault("registry", Registries.DEFAULT_URI),
                Registries::checkUri);
        Duration ttl = values.containsKey("ttl") ? Ttl.parse(values.get("ttl")) : DEFAULT_TTL;
        Duration heartbeat = values.containsKey("heartbeat")
                ? Durations.parse("heartbeat", values.get("heartbeat")) : ttl.dividedBy(3);
        if (heartbeat.compareTo(Duration.ofMillis(100)) < 0 || heartbeat.compareTo(ttl) >= 0) {
            throw new IllegalArgumentException("heartbeat=" + Durations.format(heartbeat)
                    + " must be at least 100ms and shorter than ttl=" + Durations.format(ttl) + " (default: ttl/3)");
        }
        Optional<String> host = Optional.ofNullable(values.get("host")).map(String::trim);
        if (host.isPresent() && !HOST.matcher(host.get()).matches()) {
            throw new IllegalArgumentException("host=" + host.get()
                    + " is not an IP address or host name (letters, digits, '.', ':', '-')");
        }
        OptionalInt port = values.containsKey("port") ? OptionalInt.of(parsePort("port", values.get("port")))
                : OptionalInt.empty();
        Optional<String> id = Optional.ofNullable(values.get("id"))
                .map(v -> check("id", v.trim(), ServiceInstance::checkInstanceId));
        check("meta", metadata, m -> new ServiceInstance("x", "x", "x", 1, Status.UP, m, Map.of()));
        Set<Integer> excludePorts = new LinkedHashSet<>();
        String excluded = values.getOrDefault("exclude-ports", "");
        for (String piece : excluded.split("[,;\\s]+")) {
            if (!piece.isEmpty()) {
                excludePorts.add(parsePort("exclude-ports", piece));
            }
        }
        Duration drain = values.containsKey("drain") ? Durations.parse("drain", values.get("drain")) : Duration.ZERO;
        if (drain.compareTo(Duration.ofMinutes(5)) > 0) {
            throw new IllegalArgumentException("drain=" + values.get("drain") + " is too long; use at most 5m");
        }
        Optional<AgentConfig.Health> health = parseHealth(values);
        String log = values.getOrDefault("log", "info").trim().toLowerCase(Locale.ROOT);
        check("log", log, AgentLog::parseLevel);
        Map<String, Integer> namedPorts = new LinkedHashMap<>();
        for (String piece : values.getOrDefault("ports", "").split("[,;\\s]+")) {
            if (piece.isEmpty()) {
                continue;
            }
            int colon = piece.lastIndexOf(':');
            String name = colon > 0 ? piece.substring(0, colon) : "";
            if (!PORT_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("ports=" + values.get("ports") + ": '" + piece
                        + "' is not name:port (name [a-z0-9][a-z0-9._-]{0,31}), e.g. ports=http:8080,admin:9090");
            }
            namedPorts.put(name, parsePort("ports", piece.substring(colon + 1)));
        }
        springPort(properties, "server.port").ifPresent(p -> namedPorts.putIfAbsent("http", p));
        springPort(properties, "management.server.port").ifPresent(p -> namedPorts.putIfAbsent("management", p));
        Optional<String> networkInterface = Optional.ofNullable(values.get("interface")).map(String::trim);
        if (networkInterface.isPresent() && !INTERFACE.matcher(networkInterface.get()).matches()) {
            throw new IllegalArgumentException("interface=" + networkInterface.get()
                    + " is not a network interface name (like eth0, ens5)");
        }
        Optional<String> network = Optional.ofNullable(values.get("network")).map(String::trim);
        network.ifPresent(cidr -> check("network", cidr, dev.beacon.agent.detect.Cidr::parse));
        return new AgentConfig(enabled, service, registry, ttl, heartbeat, host, port, id, metadata, excludePorts,
                drain, health, log, namedPorts, networkInterface, network);
    }

    /**
     * {@code health=} with {@code health-interval=}, {@code health-rise=} and {@code health-fall=}. The companions are
     * validated whenever given, but take effect only with {@code health=}.
     */
    private static Optional<AgentConfig.Health> parseHealth(Map<String, String> values) {
        Duration interval = DEFAULT_HEALTH_INTERVAL;
        if (values.containsKey("health-interval")) {
            interval = Durations.parse("health-interval", values.get("health-interval"));
            if (interval.compareTo(MIN_HEALTH_INTERVAL) < 0 || interval.compareTo(MAX_HEALTH_INTERVAL) > 0) {
                throw new IllegalArgumentException("health-interval=" + values.get("health-interval").trim()
                        + " is out of range; use 100ms to 10m");
            }
        }
        int rise = parseCount("health-rise", values.get("health-rise"), HealthThresholds.DEFAULT_RISE);
        int fall = parseCount("health-fall", values.get("health-fall"), HealthThresholds.DEFAULT_FALL);
        String target = values.get("health");
        if (target == null) {
            return Optional.empty();
        }
        checkHealthTarget(target.trim());
        return Optional.of(new AgentConfig.Health(target.trim(), interval, new HealthThresholds(rise, fall)));
    }

    /** A path ({@code /health}, on the registered port) or an absolute http(s) URL; the same rules as core's. */
    private static void checkHealthTarget(String target) {
        String problem;
        try {
            if (target.startsWith("/") && !target.startsWith("//")) {
                URI uri = new URI("http://localhost" + target);
                problem = uri.getRawFragment() != null ? "a path must not have a fragment ('#')" : null;
            } else {
                URI uri = new URI(target);
                String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
                problem = (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null ? null
                        : "it is neither a path starting with '/' nor an http:// or https:// URL with a host";
            }
        } catch (URISyntaxException e) {
            problem = "it is not a valid URI (" + e.getReason() + " at index " + e.getIndex() + ")";
        }
        if (problem != null) {
            throw new IllegalArgumentException("health=" + target + " is not valid: " + problem
                    + "; write a path on the registered port such as health=/health, or a URL such as "
                    + "health=http://127.0.0.1:8081/ready");
        }
    }

    private static int parseCount(String key, String value, int defaultValue) {
        if (value == null) {
            return defaultValue;
        }
        try {
            int count = Integer.parseInt(value.trim());
            if (count >= 1 && count <= HealthThresholds.MAX) {
                return count;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(key + "=" + value + " is not a count; use a whole number 1.."
                + HealthThresholds.MAX + " (default " + defaultValue + ")");
    }

    private static void readAgentArguments(String agentArgs, Map<String, String> values, Map<String, String> metadata) {
        if (agentArgs == null || agentArgs.isBlank()) {
            return;
        }
        Map<String, String> given = new LinkedHashMap<>();
        String lastKey = null;
        for (String piece : agentArgs.split(",", -1)) {
            int eq = piece.indexOf('=');
            if (eq >= 0 && lastKey != null && !KEY_SHAPE.matcher(piece.substring(0, eq).trim()).matches()) {
                // not "key=": part of the previous value, such as a sentinel host list with options
                eq = -1;
            }
            if (eq < 0) {
                if (piece.isBlank()) {
                    continue; // "a=1,,b=2" or a trailing comma left by a launch template
                }
                if (lastKey == null) {
                    throw new IllegalArgumentException("agent argument '" + RegistryUris.mask(piece.trim())
                            + "' has no value; write key=value pairs separated by commas, keys: " + keyList());
                }
                given.put(lastKey, given.get(lastKey) + "," + piece);
                continue;
            }
            String key = piece.substring(0, eq).trim();
            String value = piece.substring(eq + 1);
            if (!isKnown(key)) {
                throw new IllegalArgumentException("unknown agent argument '" + key + "' (in " + key + "="
                        + RegistryUris.mask(value) + "); valid keys: " + keyList());
            }
            if (given.containsKey(key)) {
                throw new IllegalArgumentException("agent argument '" + key + "' is given twice ("
                        + key + "=" + RegistryUris.mask(given.get(key).trim()) + ", then " + key + "="
                        + RegistryUris.mask(value.trim()) + "); give each key once");
            }
            given.put(key, value);
            lastKey = key;
        }
        given.forEach((key, value) -> put(key, value.trim(), values, metadata));
    }

    private static void readProperties(Map<?, ?> properties, Map<String, String> values, Map<String, String> metadata) {
        properties.forEach((k, v) -> {
            if (k instanceof String key && v instanceof String value && key.startsWith("beacon.")) {
                String name = key.substring("beacon.".length());
                if (isKnown(name)) {
                    put(name, value.trim(), values, metadata);
                }
            }
        });
    }

    private static void readEnvironment(Map<String, String> env, Map<String, String> values,
                                        Map<String, String> metadata) {
        env.forEach((key, value) -> {
            if (!key.startsWith("BEACON_")) {
                return;
            }
            String name = key.substring("BEACON_".length());
            if (name.startsWith("META_") && name.length() > 5) {
                put("meta." + name.substring(5).toLowerCase(Locale.ROOT), value.trim(), values, metadata);
                return;
            }
            for (String known : KEYS) {
                if (known.toUpperCase(Locale.ROOT).replace('-', '_').equals(name)) {
                    put(known, value.trim(), values, metadata);
                }
            }
        });
    }

    private static void put(String key, String value, Map<String, String> values, Map<String, String> metadata) {
        if (key.startsWith("meta.")) {
            metadata.put(key.substring(5), value);
        } else {
            values.put(key, value);
        }
    }

    private static boolean isKnown(String key) {
        return (key.startsWith("meta.") && key.length() > 5) || (KEYS.contains(key) && !key.startsWith("meta."));
    }

    private static String keyList() {
        return String.join(", ", KEYS);
    }

    private static <T> T check(String key, T value, java.util.function.Function<T, ?> validator) {
        try {
            validator.apply(value);
            return value;
        } catch (IllegalArgumentException e) {
            // the registry URI may carry a password, which must never reach stderr
            String shown = value instanceof String text ? key + "=" + RegistryUris.mask(text) + ": " : key + ": ";
            throw new IllegalArgumentException(shown + e.getMessage(), e);
        }
    }

    /** A Spring Boot port property, when it names a fixed port (0 and placeholders are ignored). */
    private static Optional<Integer> springPort(Map<?, ?> properties, String key) {
        Object value = properties.get(key);
        if (value instanceof String text) {
            try {
                int port = Integer.parseInt(text.trim());
                return port >= 1 && port <= 65535 ? Optional.of(port) : Optional.empty();
            } catch (NumberFormatException notAFixedPort) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    private static boolean parseBoolean(String key, String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (v.equals("true")) {
            return true;
        }
        if (v.equals("false")) {
            return false;
        }
        throw new IllegalArgumentException(key + "=" + value + " must be true or false");
    }

    private static int parsePort(String key, String value) {
        try {
            int port = Integer.parseInt(value.trim());
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(key + "=" + value + " is not a port; use a number 1..65535");
    }

    /**
     * The service name when none is given: {@code spring.application.name} if set, else the jar's file name without
     * version ({@code orders-1.4.jar} → {@code orders}), else the main class's simple name in kebab case
     * ({@code OrderServiceApp} → {@code order-service-app}); made a valid service name.
     */
    public static String defaultServiceName(Map<?, ?> properties) {
        Object spring = properties.get("spring.application.name");
        if (spring instanceof String name && !name.isBlank()) {
            return sanitize(name);
        }
        Object command = properties.get("sun.java.command");
        if (command instanceof String line && !line.isBlank()) {
            String first = line.trim().split("\\s+")[0];
            if (first.endsWith(".jar")) {
                String file = first.substring(Math.max(first.lastIndexOf('/'), first.lastIndexOf('\\')) + 1);
                String base = file.substring(0, file.length() - 4).replaceFirst("-\\d[\\w.-]*$", "");
                return sanitize(base);
            }
            String simple = first.substring(first.lastIndexOf('.') + 1);
            return sanitize(simple.replaceAll("([a-z0-9])([A-Z])", "$1-$2"));
        }
        return "app";
    }

    static String sanitize(String raw) {
        String name = raw.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]+", "-").replaceAll("^[^a-z0-9]+", "");
        if (name.length() > 63) {
            name = name.substring(0, 63);
        }
        return name.isEmpty() ? "app" : name;
    }
}
