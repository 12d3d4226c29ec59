package dev.beacon.agent.config;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Property tests of the agent's argument parser: whatever the string after {@code -javaagent:…=}, the system
 * properties and the environment, the parser returns a valid configuration or throws one
 * {@link IllegalArgumentException} with a message, and never shows a password. Tries per property: the Maven property
 * {@code beacon.fuzz.tries} (200 by default; the long run sets more).
 */
class AgentConfigParserPropertyTest {

    private static final String SECRET = "S3cr3tPw";
    private static final List<String> KEYS = List.of("service", "registry", "ttl", "heartbeat", "host", "port", "id",
            "meta.version", "meta.", "exclude-ports", "ports", "interface", "network", "drain", "health",
            "health-interval", "health-rise", "health-fall", "log", "enabled", "unknown", "", " ttl ", "TTL");

    /** Either a config or one IllegalArgumentException with a non-blank message; anything else fails the try. */
    private static String outcome(String agentArgs, Map<String, String> properties, Map<String, String> env) {
        try {
            AgentConfig config = AgentConfigParser.parse(agentArgs, properties, env);
            assertThat(config.service()).matches("[a-z0-9][a-z0-9._-]{0,62}");
            assertThat(config.heartbeat()).isLessThan(config.ttl());
            return "valid";
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).as("message for %s", agentArgs).isNotBlank();
            return "error";
        }
    }

    @Property
    void parse_anyString_givesConfigOrOneClearError(@ForAll String agentArgs) {
        Statistics.collect(outcome(agentArgs, Map.of(), Map.of()));
    }

    @Property
    void parse_keyValueLists_giveConfigOrOneClearError(@ForAll("keyValueLists") String agentArgs) {
        Statistics.collect(outcome(agentArgs, Map.of(), Map.of()));
    }

    @Property
    void parse_anySystemPropertiesAndEnvironment_giveConfigOrOneClearError(
            @ForAll("keys") String key, @ForAll("values") String value) {
        String suffix = key.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_').replace('.', '_');
        Statistics.collect(outcome(null, Map.of("beacon." + key, value, "sun.java.command", value),
                Map.of("BEACON_" + suffix, value)));
    }

    /** A password in the registry URI never reaches the message, whatever else is wrong. */
    @Property
    void parse_registryWithPassword_messageNeverShowsThePassword(@ForAll("keyValueLists") String others,
                                                                 @ForAll("redisUris") String registry) {
        String agentArgs = "registry=" + registry + (others.isEmpty() ? "" : "," + others);
        try {
            AgentConfigParser.parse(agentArgs, Map.of(), Map.of());
            Statistics.collect("valid");
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).as("message for %s", agentArgs).doesNotContain(SECRET);
            Statistics.collect("error");
        }
    }

    /** Valid arguments in any order are read exactly. */
    @Property
    void parse_validArguments_areReadExactly(@ForAll("serviceNames") String service,
                                             @ForAll("durationsInSeconds") int ttlSeconds,
                                             @ForAll("metadataValues") String version) {
        AgentConfig config = AgentConfigParser.parse(
                "ttl=" + ttlSeconds + "s,meta.version=" + version + ",service=" + service, Map.of(), Map.of());

        assertThat(config.service()).isEqualTo(service);
        assertThat(config.ttl()).isEqualTo(Duration.ofSeconds(ttlSeconds));
        assertThat(config.metadata()).containsExactly(Map.entry("version", version.trim()));
    }

    @Provide
    Arbitrary<String> keys() {
        return Arbitraries.of(KEYS);
    }

    @Provide
    Arbitrary<String> values() {
        return Arbitraries.oneOf(
                Arbitraries.strings(),
                Arbitraries.strings().withChars("0123456789smhd:/@.,=-_ ").ofMaxLength(20),
                Arbitraries.of("10s", "0", "-1s", "99999999999999999999s", "1d", "2147483648", "redis://", "file:",
                        "file://host/x", "memory:", "true", "FALSE", "/health", "http://[::1", "10.0.0.0/33", "eth0",
                        "http:8080,admin:x", "a".repeat(2000), "\n", "\u0000", "é", "${x}"));
    }

    @Provide
    Arbitrary<String> keyValueLists() {
        Arbitrary<String> pair = Combinators.combine(keys(), values(), Arbitraries.integers().between(0, 4))
                .as((key, value, shape) -> switch (shape) {
                    case 0 -> value;               // a piece without '=': continues the previous value
                    case 1 -> key + value;         // no '='
                    default -> key + "=" + value;
                });
        return pair.list().ofMaxSize(6).map(pieces -> String.join(",", pieces));
    }

    @Provide
    Arbitrary<String> redisUris() {
        Arbitrary<String> scheme = Arbitraries.of("redis", "rediss", "redis-sentinel", "redis-cluster", "redis ", "file");
        Arbitrary<String> rest = Arbitraries.of("h:6379", "h:6379/0", "h:notaport", "h1:26379,h2:26379/m", "h:1/x?y",
                "@", "h:6379?password=" + SECRET, "h:6379?truststore-password=" + SECRET, "");
        Arbitrary<String> user = Arbitraries.of("", "user:", ":", "u@x:");
        return Combinators.combine(scheme, user, rest).as((s, u, r) -> s + "://" + u + SECRET + "@" + r);
    }

    @Provide
    Arbitrary<String> serviceNames() {
        return Arbitraries.strings().withChars("abcxyz0189._-").ofMinLength(0).ofMaxLength(62)
                .map(tail -> "s" + tail);
    }

    @Provide
    Arbitrary<Integer> durationsInSeconds() {
        return Arbitraries.integers().between(1, 86_400);
    }

    @Provide
    Arbitrary<String> metadataValues() {
        // no ',' (it would continue the value) and not blank (trimmed); anything else up to 1024 characters
        return Arbitraries.strings().excludeChars(',').ofMinLength(1).ofMaxLength(1024)
                .filter(v -> !v.isBlank());
    }
}
