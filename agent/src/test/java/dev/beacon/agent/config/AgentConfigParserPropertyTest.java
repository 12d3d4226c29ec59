package dev.beacon.agent.config;

import dev.beacon.testing.Fuzz;
import dev.beacon.testing.Fuzz.Gen;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static dev.beacon.testing.Fuzz.anyOf;
import static dev.beacon.testing.Fuzz.forAll;
import static dev.beacon.testing.Fuzz.oneOf;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Property tests of the agent's argument parser: whatever the string after {@code -javaagent:…=}, the system
 * properties and the environment, the parser returns a valid configuration or throws one
 * {@link IllegalArgumentException} with a message, and never shows a password. Tries per property: the Maven property
 * {@code beacon.fuzz.tries} (200 by default; the long run sets more); a failure names its seed ({@link Fuzz}).
 */
class AgentConfigParserPropertyTest {

    private static final String SECRET = "S3cr3tPw";
    private static final List<String> KEYS = List.of("service", "registry", "ttl", "heartbeat", "host", "port", "id",
            "meta.version", "meta.", "exclude-ports", "ports", "interface", "network", "drain", "health",
            "health-interval", "health-rise", "health-fall", "log", "enabled", "unknown", "", " ttl ", "TTL");

    /** Either a config or one IllegalArgumentException with a non-blank message; anything else fails the try. */
    private static void assertConfigOrOneClearError(String agentArgs, Map<String, String> properties,
                                                    Map<String, String> env) {
        try {
            AgentConfig config = AgentConfigParser.parse(agentArgs, properties, env);
            assertThat(config.service()).matches("[a-z0-9][a-z0-9._-]{0,62}");
            assertThat(config.heartbeat()).isLessThan(config.ttl());
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).as("message for %s", agentArgs).isNotBlank();
        }
    }

    @Test
    void parse_anyString_givesConfigOrOneClearError() {
        forAll(List.of("", ",", "=", "service", "service=", "=x", ",,service=a,,", "a".repeat(100_000)),
                Fuzz.strings(), agentArgs -> assertConfigOrOneClearError(agentArgs, Map.of(), Map.of()));
    }

    @Test
    void parse_keyValueLists_giveConfigOrOneClearError() {
        forAll(keyValueLists(), agentArgs -> assertConfigOrOneClearError(agentArgs, Map.of(), Map.of()));
    }

    /** A system property key (after {@code beacon.}) and the value given to it and to its environment variable. */
    private record Setting(String key, String value) {
    }

    @Test
    void parse_anySystemPropertiesAndEnvironment_giveConfigOrOneClearError() {
        Gen<String> keys = keys();
        Gen<String> values = values();
        List<Setting> examples = List.of(new Setting("service", ""), new Setting("ttl", "0"),
                new Setting("port", "65536"), new Setting("heartbeat", "99999999999999999999s"));
        forAll(examples, random -> new Setting(keys.next(random), values.next(random)), setting -> {
            String key = setting.key();
            String value = setting.value();
            String suffix = key.trim().toUpperCase(Locale.ROOT).replace('-', '_').replace('.', '_');
            assertConfigOrOneClearError(null, Map.of("beacon." + key, value, "sun.java.command", value),
                    Map.of("BEACON_" + suffix, value));
        });
    }

    /** A password in the registry URI never reaches the message, whatever else is wrong. */
    @Test
    void parse_registryWithPassword_messageNeverShowsThePassword() {
        Gen<String> lists = keyValueLists();
        Gen<String> uris = redisUris();
        Gen<String> agentArgs = random -> {
            String others = lists.next(random);
            return "registry=" + uris.next(random) + (others.isEmpty() ? "" : "," + others);
        };
        forAll(List.of("registry=redis://" + SECRET + "@", "registry=redis://:" + SECRET + "@h:6379,ttl=0"),
                agentArgs, args -> {
                    try {
                        AgentConfigParser.parse(args, Map.of(), Map.of());
                    } catch (IllegalArgumentException e) {
                        assertThat(e.getMessage()).as("message for %s", args).doesNotContain(SECRET);
                    }
                });
    }

    /** Valid arguments: a service name, a ttl in seconds and a metadata value. */
    private record Valid(String service, int ttlSeconds, String version) {
    }

    /** Valid arguments in any order are read exactly. */
    @Test
    void parse_validArguments_areReadExactly() {
        Gen<String> services = serviceNames();
        Gen<Integer> ttls = Fuzz.ints(1, 86_400);
        Gen<String> versions = metadataValues();
        List<Valid> examples = List.of(new Valid("s", 1, "x"), new Valid("s" + "z".repeat(62), 86_400, "x"),
                new Valid("s", 30, " x ".repeat(341)), new Valid("s", 30, "=%@:/\u0000é"));
        Gen<Valid> inputs = random -> new Valid(services.next(random), ttls.next(random), versions.next(random));
        forAll(examples, inputs, valid -> {
            AgentConfig config = AgentConfigParser.parse("ttl=" + valid.ttlSeconds() + "s,meta.version="
                    + valid.version() + ",service=" + valid.service(), Map.of(), Map.of());

            assertThat(config.service()).isEqualTo(valid.service());
            assertThat(config.ttl()).isEqualTo(Duration.ofSeconds(valid.ttlSeconds()));
            assertThat(config.metadata()).containsExactly(Map.entry("version", valid.version().trim()));
        });
    }

    private static Gen<String> keys() {
        return oneOf(KEYS);
    }

    private static Gen<String> values() {
        return anyOf(
                Fuzz.strings(),
                Fuzz.strings("0123456789smhd:/@.,=-_ ", 0, 20),
                oneOf("10s", "0", "-1s", "99999999999999999999s", "1d", "2147483648", "redis://", "file:",
                        "file://host/x", "memory:", "true", "FALSE", "/health", "http://[::1", "10.0.0.0/33", "eth0",
                        "http:8080,admin:x", "a".repeat(2000), "\n", "\u0000", "é", "${x}"));
    }

    private static Gen<String> keyValueLists() {
        Gen<String> keys = keys();
        Gen<String> values = values();
        Gen<Integer> shapes = Fuzz.ints(0, 4);
        Gen<String> pieces = random -> {
            String key = keys.next(random);
            String value = values.next(random);
            return switch (shapes.next(random)) {
                case 0 -> value;               // a piece without '=': continues the previous value
                case 1 -> key + value;         // no '='
                default -> key + "=" + value;
            };
        };
        return Fuzz.lists(pieces, 6).map(list -> String.join(",", list));
    }

    private static Gen<String> redisUris() {
        Gen<String> schemes = oneOf("redis", "rediss", "redis-sentinel", "redis-cluster", "redis ", "file");
        Gen<String> rests = oneOf("h:6379", "h:6379/0", "h:notaport", "h1:26379,h2:26379/m", "h:1/x?y",
                "@", "h:6379?password=" + SECRET, "h:6379?truststore-password=" + SECRET, "");
        Gen<String> users = oneOf("", "user:", ":", "u@x:");
        return random -> schemes.next(random) + "://" + users.next(random) + SECRET + "@" + rests.next(random);
    }

    private static Gen<String> serviceNames() {
        return Fuzz.strings("abcxyz0189._-", 0, 62).map(tail -> "s" + tail);
    }

    private static Gen<String> metadataValues() {
        // no ',' (it would continue the value) and not blank (trimmed); anything else up to 1024 characters
        return Fuzz.strings(1, 1024).map(v -> v.replace(',', ';')).filter(v -> !v.isBlank());
    }
}
