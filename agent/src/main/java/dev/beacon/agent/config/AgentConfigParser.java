package dev.beacon.agent.config;

import dev.beacon.ServiceInstance;
import dev.beacon.Status;
import dev.beacon.agent.declared.DeclaredApp;
import dev.beacon.agent.detect.Cidr;
import dev.beacon.agent.logging.AgentLog;
import dev.beacon.registry.Registration;
import dev.beacon.registry.Registries;
import dev.beacon.registry.RegistryUris;
import dev.beacon.registry.Ttl;
import dev.beacon.support.Durations;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The agent's settings, validated key by key into an {@link AgentConfig}. Where they come from — the agent
 * arguments, {@code beacon.*} system properties, {@code BEACON_*} environment variables, in that precedence — is
 * {@link AgentSettingSources}'s business; the self-check's keys are {@link HealthSettings}'; the service name when
 * none is given is {@link DefaultServiceName}'s.
 */
public final class AgentConfigParser {

    /** Every key, in the order the README documents them. */
    public static final List<String> KEYS = List.of("service", "registry", "ttl", "heartbeat", "host", "port", "id",
            "meta.<key>", "exclude-ports", "ports", "interface", "network", "drain", "health", "health-interval", "health-rise", "health-fall", "log",
            "enabled");

    /** The library's default lease, {@link Registration#DEFAULT_TTL} (9 s, renewed every 3 s). */
    public static final Duration DEFAULT_TTL = Registration.DEFAULT_TTL;
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._:%-]{1,253}");
    private static final Pattern PORT_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,31}");
    private static final Pattern INTERFACE = Pattern.compile("[A-Za-z0-9._:@-]{1,32}");

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
        return parse(agentArgs, properties, env, DeclaredApp::none);
    }

    /**
     * Parses and validates; {@code declared} (what the app declares: its name, port roles, framework) is asked only
     * when {@code service=} is not given or {@code health=auto} is, and at most once.
     *
     * @throws IllegalArgumentException with one line naming the key, the bad value and what is valid
     */
    public static AgentConfig parse(String agentArgs, Map<?, ?> properties, Map<String, String> env,
                                    Supplier<DeclaredApp> declared) {
        AgentSettingSources.Settings settings = AgentSettingSources.read(agentArgs, properties, env);
        Map<String, String> values = settings.values();
        Map<String, String> metadata = settings.metadata();

        boolean enabled = parseBoolean("enabled", values.getOrDefault("enabled", "true"));
        boolean given = values.containsKey("service");
        DeclaredApp app = !given || HealthSettings.AUTO.equals(values.getOrDefault("health", "").trim())
                ? declared.get() : DeclaredApp.none();
        String service;
        String serviceSource;
        if (given) {
            service = check("service", values.get("service"), ServiceInstance::checkServiceName);
            serviceSource = "service=";
        } else if (app.name().isPresent()) {
            service = DefaultServiceName.sanitize(app.name().get().value());
            serviceSource = app.name().get().source();
        } else {
            DefaultServiceName.Named named = DefaultServiceName.named(properties);
            service = named.name();
            serviceSource = named.source();
        }
        String registry = check("registry", values.getOrDefault("registry", Registries.DEFAULT_URI),
                Registries::checkUri);
        Duration ttl = values.containsKey("ttl") ? Ttl.parse(values.get("ttl")) : DEFAULT_TTL;
        Duration heartbeat = values.containsKey("heartbeat")
                ? Durations.parse("heartbeat", values.get("heartbeat")) : ttl.dividedBy(3);
        if (heartbeat.compareTo(Registration.MIN_HEARTBEAT) < 0 || heartbeat.compareTo(ttl) >= 0) {
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
        Set<Integer> excludePorts = excludePorts(values.getOrDefault("exclude-ports", ""));
        Duration drain = values.containsKey("drain") ? Durations.parse("drain", values.get("drain")) : Duration.ZERO;
        if (drain.compareTo(Duration.ofMinutes(5)) > 0) {
            throw new IllegalArgumentException("drain=" + values.get("drain") + " is too long; use at most 5m");
        }
        Optional<AgentConfig.Health> health = HealthSettings.parse(values);
        String log = values.getOrDefault("log", "info").trim().toLowerCase(Locale.ROOT);
        check("log", log, AgentLog::parseLevel);
        Map<String, Integer> namedPorts = namedPorts(values.getOrDefault("ports", ""), properties);
        app.ports().forEach((role, p) -> {
            if (!namedPorts.containsValue(p)) {
                namedPorts.putIfAbsent(role, p);
            }
        });
        Optional<String> networkInterface = Optional.ofNullable(values.get("interface")).map(String::trim);
        if (networkInterface.isPresent() && !INTERFACE.matcher(networkInterface.get()).matches()) {
            throw new IllegalArgumentException("interface=" + networkInterface.get()
                    + " is not a network interface name (like eth0, ens5)");
        }
        Optional<String> network = Optional.ofNullable(values.get("network")).map(String::trim);
        network.ifPresent(cidr -> check("network", cidr, Cidr::parse));
        return new AgentConfig(enabled, service, registry, ttl, heartbeat, host, port, id, metadata, excludePorts,
                drain, health, log, namedPorts, networkInterface, network, serviceSource, app.framework());
    }

    /** {@code exclude-ports=}: ports separated by commas, semicolons or spaces. */
    private static Set<Integer> excludePorts(String value) {
        Set<Integer> ports = new LinkedHashSet<>();
        for (String piece : value.split("[,;\\s]+")) {
            if (!piece.isEmpty()) {
                ports.add(parsePort("exclude-ports", piece));
            }
        }
        return ports;
    }

    /** {@code ports=name:port,...}, then Spring Boot's server and management ports under the names they lack. */
    private static Map<String, Integer> namedPorts(String value, Map<?, ?> properties) {
        Map<String, Integer> named = new LinkedHashMap<>();
        for (String piece : value.split("[,;\\s]+")) {
            if (piece.isEmpty()) {
                continue;
            }
            int colon = piece.lastIndexOf(':');
            String name = colon > 0 ? piece.substring(0, colon) : "";
            if (!PORT_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("ports=" + value + ": '" + piece
                        + "' is not name:port (name [a-z0-9][a-z0-9._-]{0,31}), e.g. ports=http:8080,admin:9090");
            }
            named.put(name, parsePort("ports", piece.substring(colon + 1)));
        }
        springPort(properties, "server.port").ifPresent(p -> named.putIfAbsent("http", p));
        springPort(properties, "management.server.port").ifPresent(p -> named.putIfAbsent("management", p));
        return named;
    }

    private static <T> T check(String key, T value, Consumer<T> validator) {
        try {
            validator.accept(value);
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
}
