package dev.beacon.registry;

import dev.beacon.testing.Fuzz;
import dev.beacon.testing.Fuzz.Gen;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.beacon.testing.Fuzz.anyOf;
import static dev.beacon.testing.Fuzz.forAll;
import static dev.beacon.testing.Fuzz.oneOf;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Property tests of registry URIs: any text is accepted or refused with one {@link IllegalArgumentException} whose
 * message never shows a password; {@code file:} and {@code memory:} URIs open without I/O. Tries per property:
 * {@code beacon.fuzz.tries}; a failure names its seed ({@link Fuzz}).
 */
class RegistryUriPropertyTest {

    private static final String SECRET = "Pa55w0rdX";

    @Test
    void checkUri_anyText_acceptsOrThrowsOneClearError() {
        forAll(List.of("", " ", "\u0000", "x".repeat(100_000)), Fuzz.strings(), RegistryUriPropertyTest::check);
    }

    @Test
    void checkUri_uriShapedText_acceptsOrThrowsOneClearError() {
        forAll(uriShaped(), RegistryUriPropertyTest::check);
    }

    /** A password, wherever the user info or a secret parameter carries it, is masked in the error and by mask(). */
    @Test
    void checkUri_withPassword_neverShowsIt() {
        forAll(List.of("redis://:" + SECRET + "@h:6379", "redis://" + SECRET + "@", "rediss://h:1?password=" + SECRET),
                withPassword(), uri -> {
                    assertThat(RegistryUris.mask(uri)).doesNotContain(SECRET);
                    try {
                        Registries.checkUri(uri);
                    } catch (IllegalArgumentException e) {
                        assertThat(e.getMessage()).doesNotContain(SECRET);
                    }
                });
    }

    /** file: and memory: URIs open (without touching the disk) or are refused; nothing else escapes. */
    @Test
    void open_fileAndMemoryUris_openOrThrowOneClearError() {
        forAll(List.of("file:", "memory:", "file://", "file:///"), localUris(), uri -> {
            try (ServiceRegistry registry = Registries.open(uri)) {
                assertThat(registry.toString()).isNotBlank();
            } catch (IllegalArgumentException e) {
                assertThat(e.getMessage()).isNotBlank();
            }
        });
    }

    private static void check(String uri) {
        try {
            assertThat(Registries.checkUri(uri)).isEqualTo(uri);
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).as("message for %s", uri).isNotBlank();
        }
    }

    private static Gen<String> schemes() {
        return oneOf("redis", "rediss", "redis-sentinel", "redis-cluster", "REDIS", "file", "memory", "http", "",
                " redis", "redis ");
    }

    private static Gen<String> noise() {
        return Fuzz.strings("abc019:/@?&=%[]#,.-_ \\\u0000é{}*", 0, 30);
    }

    private static Gen<String> uriShaped() {
        Gen<String> tail = anyOf(noise(), oneOf("h:6379", "h:0", "h:65536", "[::1]:6379", "[::1", "h:6379/16",
                "h:6379/-1", "h1:1,h2:2/m", "h:1?timeout=0s", "h:1?pool-max=99999999999", "h:1?prefix=a b",
                "h:1?verify-peer=maybe", "h:1?unknown=1", "h:1?timeout=", "/tmp/x", "//host/x", "", "x".repeat(5000)));
        Gen<String> schemes = schemes();
        Gen<String> separators = oneOf("://", ":", ":/", ":///");
        return random -> schemes.next(random) + separators.next(random) + tail.next(random);
    }

    private static Gen<String> withPassword() {
        Gen<String> schemes = schemes();
        Gen<String> noise = noise();
        Gen<String> users = oneOf("", "user", "u@x", "a:b");
        Gen<String> hosts = oneOf("h:6379", "h:notaport", "h1:1,h2:2/m", "", "h:1/99", "h:1?unknown=1", "[::1");
        Gen<String> queries = oneOf("", "?password=" + SECRET, "?sentinel-password=" + SECRET,
                "?truststore-password=" + SECRET, "?timeout=x&password=" + SECRET);
        Gen<String> inUserInfo = random -> schemes.next(random) + "://" + users.next(random) + ":" + SECRET
                + noise.next(random).replace("?", "").replace("#", "") + "@" + hosts.next(random);
        Gen<String> inQuery = random -> {
            String scheme = schemes.next(random);
            String host = hosts.next(random);
            String query = queries.next(random);
            return scheme + "://" + host + (query.isEmpty() ? "?password=" + SECRET : query);
        };
        Gen<String> passwordOnly = random -> schemes.next(random) + "://" + SECRET + "@" + hosts.next(random)
                + noise.next(random).replace("?", "").replace("#", "");
        return anyOf(inUserInfo, inQuery, passwordOnly);
    }

    private static Gen<String> localUris() {
        Gen<String> prefixes = oneOf("file:", "file://", "file:///", "FILE:", "memory:", " file:");
        Gen<String> noise = noise();
        return random -> prefixes.next(random) + noise.next(random).replace("/tmp", "/nowhere");
    }
}
