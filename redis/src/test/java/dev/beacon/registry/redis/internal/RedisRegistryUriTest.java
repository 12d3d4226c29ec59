package dev.beacon.registry.redis.internal;

import dev.beacon.registry.RegistryUris;
import dev.beacon.registry.spi.RegistryUriParts.Address;
import dev.beacon.testing.Fuzz;
import dev.beacon.testing.Fuzz.Gen;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static dev.beacon.testing.Fuzz.anyOf;
import static dev.beacon.testing.Fuzz.forAll;
import static dev.beacon.testing.Fuzz.oneOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The Redis registry URI grammar. The property tests are the ones core ran on this parser before it moved into
 * beacon-redis: any text is parsed or refused with one {@link IllegalArgumentException}, never showing a password.
 * Tries: {@code beacon.fuzz.tries}; a failure names its seed ({@link Fuzz}).
 */
class RedisRegistryUriTest {

    private static final String SECRET = "Pa55w0rdX";

    @Test
    void parse_plainHost_defaults() {
        RedisRegistryUri uri = RedisRegistryUri.parse("redis://10.0.0.7");

        assertThat(uri.mode()).isEqualTo(RedisRegistryUri.Mode.STANDALONE);
        assertThat(uri.addresses()).containsExactly(new Address("10.0.0.7", 6379));
        assertThat(uri.database()).isZero();
        assertThat(uri.prefix()).isEqualTo("beacon");
        assertThat(uri.timeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(uri.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(uri.poolMax()).isEqualTo(8);
        assertThat(uri.tls()).isFalse();
        assertThat(uri.verifyPeer()).isTrue();
        assertThat(uri.trustStoreType()).isEqualTo("PKCS12");
        assertThat(uri.clientName()).isEqualTo("beacon");
        assertThat(uri.user()).isEmpty();
        assertThat(uri.password()).isEmpty();
    }

    @Test
    void parse_everyPart_isRead() {
        RedisRegistryUri uri = RedisRegistryUri.parse("rediss://app:p%40ss@[::1]:6380/3?prefix=staging&timeout=500ms"
                + "&connect-timeout=1m&pool-max=16&truststore=/etc/t.p12&truststore-password=x&truststore-type=JKS"
                + "&verify-peer=false&client-name=orders");

        assertThat(uri.tls()).isTrue();
        assertThat(uri.user()).contains("app");
        assertThat(uri.password()).contains("p@ss");
        assertThat(uri.addresses()).containsExactly(new Address("::1", 6380));
        assertThat(uri.addresses().get(0)).hasToString("[::1]:6380");
        assertThat(uri.database()).isEqualTo(3);
        assertThat(uri.prefix()).isEqualTo("staging");
        assertThat(uri.timeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(uri.connectTimeout()).isEqualTo(Duration.ofMinutes(1));
        assertThat(uri.poolMax()).isEqualTo(16);
        assertThat(uri.trustStore()).contains(Path.of("/etc/t.p12"));
        assertThat(uri.trustStoreType()).isEqualTo("JKS");
        assertThat(uri.verifyPeer()).isFalse();
        assertThat(uri.clientName()).isEqualTo("orders");
        assertThat(uri).hasToString("rediss://app:****@[::1]:6380/3?prefix=staging&timeout=500ms&connect-timeout=1m"
                + "&pool-max=16&truststore=/etc/t.p12&truststore-password=****&truststore-type=JKS&verify-peer=false"
                + "&client-name=orders");
    }

    @Test
    void parse_sentinel_readsHostsMasterAndSentinelCredentials() {
        RedisRegistryUri uri = RedisRegistryUri.parse(
                "redis-sentinel://s1,s2:26380/mymaster?sentinel-user=watch&sentinel-password=pw");

        assertThat(uri.mode()).isEqualTo(RedisRegistryUri.Mode.SENTINEL);
        assertThat(uri.addresses()).containsExactly(new Address("s1", 26379),
                new Address("s2", 26380));
        assertThat(uri.masterName()).contains("mymaster");
        assertThat(uri.sentinelUser()).contains("watch");
        assertThat(uri.sentinelPassword()).contains("pw");
    }

    @Test
    void parse_cluster_readsEveryHost() {
        RedisRegistryUri uri = RedisRegistryUri.parse("redis-cluster://h1:7000,h2:7001,h3:7002?tls=true");

        assertThat(uri.mode()).isEqualTo(RedisRegistryUri.Mode.CLUSTER);
        assertThat(uri.addresses()).extracting(Address::port).containsExactly(7000, 7001, 7002);
        assertThat(uri.tls()).isTrue();
        assertThat(uri.masterName()).isEqualTo(Optional.empty());
    }

    /** Durations follow Beacon's one grammar (dev.beacon.support.Durations), within what Jedis takes. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"250ms | 250", "3 | 3000", "2s | 2000", "1m | 60000", "1h | 3600000",
            "1D | 86400000"})
    void parse_timeout_inTheDurationGrammar(String text, long millis) {
        assertThat(RedisRegistryUri.parse("redis://h?timeout=" + text).timeout()).isEqualTo(Duration.ofMillis(millis));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "redis://h?timeout=soon             | timeout 'soon' is not a duration; write it like 500ms",
            "redis://h?timeout=0s               | timeout must be between 1ms and 2147483647ms, but was '0s'",
            "redis://h?connect-timeout=30d      | connect-timeout must be between 1ms and 2147483647ms, but was '30d'",
            "redis://h:99999                    | port must be a number 1..65535, but was '99999'",
            "redis://h/16                       | database must be a number 0..15, but was '16'",
            "redis://h?pool-max=1               | pool-max must be a number 2..1024, but was '1'",
            "redis://h?verify-peer=maybe        | verify-peer must be true or false, but was 'maybe'",
            "redis://h?prefix=a%20b             | prefix must match [A-Za-z0-9._:-]{1,64}, but was 'a b'",
            "redis://h?colour=blue              | unknown option 'colour'; expected one of prefix, timeout,",
            "redis://h?timeout=1s&TIMEOUT=2s    | option 'timeout' is given twice; give it once",
            "redis://h*x                        | host must be a name or address (IPv6 in brackets: [::1]), "
                    + "but was 'h*x'",
            "redis-sentinel://s1,,s2/m          | expected host[:port] between the commas",
            "redis://[::1                       | unclosed '[' in host '[::1'",
            "redis://[::1]x                     | expected ':port' after '[::1]'",
            "redis://h1:1,h2:2                  | name one host; for several use redis-sentinel:// or redis-cluster://",
            "redis-cluster://h:7000/0           | a cluster has no database number: remove '/0'",
            "redis-sentinel://s1:26379          | the master name must follow the hosts",
            "redis://                           | no host given",
            "http://h                           | scheme must be one of redis, rediss, redis-sentinel, redis-cluster, "
                    + "but was 'http'",
            "h:6379                             | expected scheme://host:port"})
    void parse_invalid_namesTheUriAndTheProblem(String uri, String problem) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RedisRegistryUri.parse(uri));

        assertThat(e.getMessage()).startsWith("registry URI '" + uri + "' is not valid: ").contains(problem);
    }

    /** Redis's own rule: user and password are %-decoded (p%40ss is p@ss); a bad escape names the part only. */
    @Test
    void parse_malformedEscapeInPassword_namesThePartNotTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RedisRegistryUri.parse("redis://u:" + SECRET + "%zz@h"));

        assertThat(e.getMessage())
                .isEqualTo("registry URI 'redis://u:****@h' is not valid: malformed %-escape in the password");
    }

    @Test
    void parse_valueWithLineBreak_isShownEscaped() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RedisRegistryUri.parse("redis://h?verify-peer=no%0A%5Bmain%5D%20INFO%20forged"));

        assertThat(e.getMessage()).contains("but was 'no\\x0a[main] INFO forged'").doesNotContain("\n");
    }

    @Test
    void parse_anyText_parsesOrThrowsOneClearError() {
        forAll(List.of("", " ", "\u0000", "redis://", "x".repeat(100_000)), anyOf(Fuzz.strings(), uriShaped()),
                text -> {
                    try {
                        RedisRegistryUri uri = RedisRegistryUri.parse(text);
                        assertThat(uri.addresses()).isNotEmpty();
                        assertThat(uri.toString()).isEqualTo(RegistryUris.mask(text));
                    } catch (IllegalArgumentException e) {
                        assertThat(e.getMessage()).as("message for %s", text).startsWith("registry URI '");
                    }
                });
    }

    /** A password, wherever the user info or a secret option carries it, is masked in toString() and errors. */
    @Test
    void parse_withPassword_neverShowsIt() {
        forAll(List.of("redis://:" + SECRET + "@h:6379", "redis://" + SECRET + "@", "rediss://h:1?password=" + SECRET,
                "redis://u:" + SECRET + "@h:99999"), withPassword(), text -> {
                    try {
                        assertThat(RedisRegistryUri.parse(text).toString()).doesNotContain(SECRET);
                    } catch (IllegalArgumentException e) {
                        assertThat(e.getMessage()).doesNotContain(SECRET);
                    }
                });
    }

    private static Gen<String> schemes() {
        return oneOf("redis", "rediss", "redis-sentinel", "redis-cluster", "REDIS", "http", "", " redis");
    }

    private static Gen<String> uriShaped() {
        Gen<String> tail = anyOf(Fuzz.strings("abc019:/@?&=%[]#,.-_ \\\u0000é{}*", 0, 30), oneOf("h:6379", "h:0",
                "h:65536", "[::1]:6379", "[::1", "h:6379/16", "h:6379/-1", "h1:1,h2:2/m", "h:1?timeout=0s",
                "h:1?pool-max=99999999999", "h:1?prefix=a b", "h:1?verify-peer=maybe", "h:1?unknown=1",
                "h:1?timeout=", "h:1?timeout=999999999999d", "//host/x", ""));
        Gen<String> schemes = schemes();
        Gen<String> separators = oneOf("://", ":", ":/");
        return random -> schemes.next(random) + separators.next(random) + tail.next(random);
    }

    private static Gen<String> withPassword() {
        Gen<String> schemes = schemes();
        Gen<String> users = oneOf("", "user", "u@x", "a:b");
        Gen<String> hosts = oneOf("h:6379", "h:notaport", "h1:1,h2:2/m", "", "h:1/99", "h:1?unknown=1", "[::1");
        Gen<String> queries = oneOf("?password=" + SECRET, "?sentinel-password=" + SECRET,
                "?truststore-password=" + SECRET, "?timeout=x&password=" + SECRET);
        Gen<String> inUserInfo = random -> schemes.next(random) + "://" + users.next(random) + ":" + SECRET + "@"
                + hosts.next(random);
        Gen<String> inQuery = random -> schemes.next(random) + "://" + hosts.next(random) + queries.next(random);
        return anyOf(inUserInfo, inQuery);
    }
}
