package dev.beacon.registry;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Property tests of registry URIs: any text is accepted or refused with one {@link IllegalArgumentException} whose
 * message never shows a password; {@code file:} and {@code memory:} URIs open without I/O.
 */
class RegistryUriPropertyTest {

    private static final String SECRET = "Pa55w0rdX";

    @Property
    void checkUri_anyText_acceptsOrThrowsOneClearError(@ForAll String uri) {
        Statistics.collect(check(uri));
    }

    @Property
    void checkUri_uriShapedText_acceptsOrThrowsOneClearError(@ForAll("uriShaped") String uri) {
        Statistics.collect(check(uri));
    }

    /** A password, wherever the user info or a secret parameter carries it, is masked in the error and by mask(). */
    @Property
    void checkUri_withPassword_neverShowsIt(@ForAll("withPassword") String uri) {
        assertThat(RegistryUris.mask(uri)).doesNotContain(SECRET);
        try {
            Registries.checkUri(uri);
            Statistics.collect("accepted");
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).doesNotContain(SECRET);
            Statistics.collect("refused");
        }
    }

    /** file: and memory: URIs open (without touching the disk) or are refused; nothing else escapes. */
    @Property
    void open_fileAndMemoryUris_openOrThrowOneClearError(@ForAll("localUris") String uri) {
        try (ServiceRegistry registry = Registries.open(uri)) {
            assertThat(registry.toString()).isNotBlank();
            Statistics.collect("opened");
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).isNotBlank();
            Statistics.collect("refused");
        }
    }

    private static String check(String uri) {
        try {
            assertThat(Registries.checkUri(uri)).isEqualTo(uri);
            return "accepted";
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).as("message for %s", uri).isNotBlank();
            return "refused";
        }
    }

    private static Arbitrary<String> schemes() {
        return Arbitraries.of("redis", "rediss", "redis-sentinel", "redis-cluster", "REDIS", "file", "memory", "http",
                "", " redis", "redis ");
    }

    private static Arbitrary<String> noise() {
        return Arbitraries.strings().withChars("abc019:/@?&=%[]#,.-_ \\\u0000é{}*").ofMaxLength(30);
    }

    @Provide
    Arbitrary<String> uriShaped() {
        Arbitrary<String> tail = Arbitraries.oneOf(noise(), Arbitraries.of("h:6379", "h:0", "h:65536", "[::1]:6379",
                "[::1", "h:6379/16", "h:6379/-1", "h1:1,h2:2/m", "h:1?timeout=0s", "h:1?pool-max=99999999999",
                "h:1?prefix=a b", "h:1?verify-peer=maybe", "h:1?unknown=1", "h:1?timeout=", "/tmp/x", "//host/x",
                "", "x".repeat(5000)));
        Arbitrary<String> separator = Arbitraries.of("://", ":", ":/", ":///");
        return Combinators.combine(schemes(), separator, tail).as((s, sep, t) -> s + sep + t);
    }

    @Provide
    Arbitrary<String> withPassword() {
        Arbitrary<String> user = Arbitraries.of("", "user", "u@x", "a:b");
        Arbitrary<String> hosts = Arbitraries.of("h:6379", "h:notaport", "h1:1,h2:2/m", "", "h:1/99",
                "h:1?unknown=1", "[::1");
        Arbitrary<String> query = Arbitraries.of("", "?password=" + SECRET, "?sentinel-password=" + SECRET,
                "?truststore-password=" + SECRET, "?timeout=x&password=" + SECRET);
        Arbitrary<String> inUserInfo = Combinators.combine(schemes(), user, hosts, noise())
                .as((s, u, h, n) -> s + "://" + u + ":" + SECRET + n.replace("?", "").replace("#", "") + "@" + h);
        Arbitrary<String> inQuery = Combinators.combine(schemes(), hosts, query)
                .as((s, h, q) -> s + "://" + h + (q.isEmpty() ? "?password=" + SECRET : q));
        Arbitrary<String> passwordOnly = Combinators.combine(schemes(), hosts, noise())
                .as((s, h, n) -> s + "://" + SECRET + "@" + h + n.replace("?", "").replace("#", ""));
        return Arbitraries.oneOf(inUserInfo, inQuery, passwordOnly);
    }

    @Provide
    Arbitrary<String> localUris() {
        return Combinators.combine(Arbitraries.of("file:", "file://", "file:///", "FILE:", "memory:", " file:"),
                noise()).as((prefix, path) -> prefix + path.replace("/tmp", "/nowhere"));
    }
}
