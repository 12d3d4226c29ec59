package dev.beacon.registry.spi;

import dev.beacon.registry.spi.RegistryUriParts.Address;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RegistryUriPartsTest {

    private static final String SECRET = "S3cr3t-pw";
    private static final List<String> SCHEMES = List.of("demo", "demos");
    private static final String FORM = "demo://host:port[,host:port…]/path, e.g. demo://127.0.0.1:1234/x";
    private static final List<String> OPTIONS = List.of("timeout", "size", "tls", "mode", "name");

    private enum Mode { PLAIN, SPRING_CLOUD }

    private static RegistryUriParts parse(String uri) {
        return RegistryUriParts.parse(uri, SCHEMES, FORM, OPTIONS);
    }

    private static String problem(String uri) {
        return assertThrows(IllegalArgumentException.class, () -> parse(uri)).getMessage();
    }

    @Test
    void parse_everyPart_isRead() {
        RegistryUriParts parts = parse(" DEMOS://app:p@ss/w0rd@h1:1,[::1]:2 , [fe80::1%eth0],10.0.0.7/a/b/"
                + "?Timeout=500ms&size=7&&tls=TRUE&mode=spring-cloud&name=a%20b+c ");

        assertThat(parts.scheme()).isEqualTo("demos");
        assertThat(parts.user()).contains("app");
        assertThat(parts.password()).contains("p@ss/w0rd");
        assertThat(parts.addresses(9)).containsExactly(new Address("h1", 1), new Address("::1", 2),
                new Address("fe80::1%eth0", 9), new Address("10.0.0.7", 9));
        assertThat(parts.addresses(9)).extracting(Address::toString)
                .containsExactly("h1:1", "[::1]:2", "[fe80::1%eth0]:9", "10.0.0.7:9");
        assertThat(parts.path()).isEqualTo("/a/b/");
        assertThat(parts.namePath("path", "/default")).isEqualTo("/a/b");
        assertThat(parts.options()).isEqualTo(Map.of("timeout", "500ms", "size", "7", "tls", "TRUE",
                "mode", "spring-cloud", "name", "a b c"));
        assertThat(parts.duration("timeout", Duration.ofMillis(1), Duration.ofHours(1)))
                .contains(Duration.ofMillis(500));
        assertThat(parts.number("size", 1, 1, 10)).isEqualTo(7);
        assertThat(parts.flag("tls", false)).isTrue();
        assertThat(parts.choice("mode", Mode.PLAIN)).isEqualTo(Mode.SPRING_CLOUD);
        assertThat(parts.option("name")).contains("a b c");
        assertThat(parts).hasToString(" DEMOS://app:****@h1:1,[::1]:2 , [fe80::1%eth0],10.0.0.7/a/b/"
                + "?Timeout=500ms&size=7&&tls=TRUE&mode=spring-cloud&name=a%20b+c ");
    }

    @Test
    void parse_hostOnly_defaults() {
        RegistryUriParts parts = parse("demo://h");

        assertThat(parts.user()).isEqualTo(Optional.empty());
        assertThat(parts.password()).isEqualTo(Optional.empty());
        assertThat(parts.addresses(1234)).containsExactly(new Address("h", 1234));
        assertThat(parts.path()).isEmpty();
        assertThat(parts.namePath("path", "/default")).isEqualTo("/default");
        assertThat(parts.options()).isEmpty();
        assertThat(parts.duration("timeout", Duration.ofSeconds(2), Duration.ofMillis(1), Duration.ofHours(1)))
                .isEqualTo(Duration.ofSeconds(2));
        assertThat(parts.duration("timeout", Duration.ofMillis(1), Duration.ofHours(1))).isEqualTo(Optional.empty());
        assertThat(parts.number("size", 8, 1, 10)).isEqualTo(8);
        assertThat(parts.flag("tls", true)).isTrue();
        assertThat(parts.choice("mode", Mode.PLAIN)).isEqualTo(Mode.PLAIN);
        assertThat(parts.option("name", "beacon")).isEqualTo("beacon");
    }

    /** The user info is split at its first ':'; without one it is all password, as RegistryUris.mask reads it. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "-", value = {
            "demo://u:p@h      | u | p",
            "demo://:p@h       | - | p",
            "demo://p@h        | - | p",
            "demo://u:@h       | u | -",
            "demo://@h         | - | -",
            "demo://u:a:b@c@h  | u | a:b@c",
            "demo://u:p%40s@h  | u | p%40s",
            "demo://u:p#1/2@h  | u | p#1/2"})
    void parse_userInfo_splitAtTheFirstColon(String uri, String user, String password) {
        RegistryUriParts parts = parse(uri);

        assertThat(parts.user()).isEqualTo(Optional.ofNullable(user));
        assertThat(parts.password()).isEqualTo(Optional.ofNullable(password));
        assertThat(parts.addresses(1)).containsExactly(new Address("h", 1));
    }

    @Test
    void decode_percentEscapes_decodedOrRefusedWithoutShowingThePart() {
        RegistryUriParts parts = parse("demo://u:" + SECRET + "%zz@h");

        assertThat(parts.decode("p%40ss", "the password")).isEqualTo("p@ss");
        assertThat(assertThrows(IllegalArgumentException.class,
                () -> parts.decode(parts.password().orElseThrow(), "the password")).getMessage())
                .isEqualTo("registry URI 'demo://u:****@h' is not valid: malformed %-escape in the password");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "h:6379                 | expected demo://host:port[,host:port…]/path, e.g. demo://127.0.0.1:1234/x",
            "http://h               | scheme must be demo or demos, but was 'http'; expected demo://host:port",
            "demo://                | no host given; expected demo://host:port",
            "demo:///x              | no host given",
            "demo://h1,,h2          | expected host[:port] between the commas",
            "demo://h1,             | expected host[:port] between the commas",
            "demo://h1:1, ,h2       | expected host[:port] between the commas",
            "demo://h*x             | host must be a name or address (IPv6 in brackets: [::1]), but was 'h*x'",
            "demo://::1             | host must be a name or address (IPv6 in brackets: [::1]), but was ':'",
            "demo://[h]:1           | host must be a name or address (IPv6 in brackets: [::1]), but was '[h]'",
            "demo://[::1            | unclosed '[' in host '[::1'",
            "demo://[::1]x          | expected ':port' after '[::1]'",
            "demo://h:              | port must be a number 1..65535, but was ''",
            "demo://h:http          | port must be a number 1..65535, but was 'http'",
            "demo://h:0             | port must be a number 1..65535, but was '0'",
            "demo://h:65536         | port must be a number 1..65535, but was '65536'",
            "demo://[::1]:99999999999 | port must be a number 1..65535, but was '99999999999'",
            "demo://h?colour=red    | unknown option 'colour'; expected one of timeout, size, tls, mode, name",
            "demo://h?size=1&SIZE=2 | option 'size' is given twice; give it once",
            "demo://h?%zz=1         | malformed %-escape in an option's name",
            "demo://h?size=%zz      | malformed %-escape in the value of size"})
    void parse_badPart_namesTheUriThePartAndWhatIsExpected(String uri, String expected) {
        assertThat(problem(uri)).startsWith("registry URI '" + uri + "' is not valid: ").contains(expected);
    }

    @Test
    void parse_null_namesTheFormExpected() {
        assertThat(problem(null)).isEqualTo("registry URI 'null' is not valid: expected " + FORM);
    }

    @Test
    void parse_oneSchemeOrTwoOrMore_listsThemAsAlternatives() {
        assertThat(assertThrows(IllegalArgumentException.class,
                () -> RegistryUriParts.parse("x://h", List.of("demo"), FORM, OPTIONS)).getMessage())
                .contains("scheme must be demo, but was 'x'");
        assertThat(assertThrows(IllegalArgumentException.class,
                () -> RegistryUriParts.parse("x://h", List.of("a", "b", "c"), FORM, OPTIONS)).getMessage())
                .contains("scheme must be one of a, b, c, but was 'x'");
    }

    /** Text before "://" that is no scheme (here a user info pasted before it) is not repeated after the URI. */
    @Test
    void parse_schemeThatIsNoScheme_isNotRepeated() {
        assertThat(problem("u:x@h://y")).isEqualTo("registry URI 'u:x@h://y' is not valid: scheme must be demo or "
                + "demos; expected " + FORM);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "timeout=soon   | timeout 'soon' is not a duration; write it like 500ms, 3s, 2m, 1h or 1d",
            "timeout=       | timeout '' is not a duration",
            "timeout=-1s    | timeout '-1s' is not a duration",
            "timeout=99ms   | timeout must be between 100ms and 1h, but was '99ms'",
            "timeout=61m    | timeout must be between 100ms and 1h, but was '61m'",
            "timeout=999999999999d | timeout must be between 100ms and 1h, but was '999999999999d'",
            "size=ten       | size must be a number 2..10, but was 'ten'",
            "size=1         | size must be a number 2..10, but was '1'",
            "size=11        | size must be a number 2..10, but was '11'",
            "size           | size must be a number 2..10, but was ''",
            "tls=yes        | tls must be true or false, but was 'yes'",
            "mode=gson      | mode must be plain or spring-cloud, but was 'gson'",
            "mode=spring_cloud | mode must be plain or spring-cloud, but was 'spring_cloud'"})
    void typedOption_badValue_namesTheUriTheOptionItsValueAndWhatIsExpected(String option, String expected) {
        RegistryUriParts parts = parse("demo://u:" + SECRET + "@h?" + option);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> {
            parts.duration("timeout", Duration.ofMillis(100), Duration.ofHours(1));
            parts.number("size", 5, 2, 10);
            parts.flag("tls", false);
            parts.choice("mode", Mode.PLAIN);
        });

        assertThat(e.getMessage()).startsWith("registry URI 'demo://u:****@h?" + option + "' is not valid: ")
                .contains(expected).doesNotContain(SECRET);
    }

    @Test
    void typedOption_controlCharacterInValue_isShownEscaped() {
        RegistryUriParts parts = parse("demo://h?tls=no%0A%5Bmain%5D%20INFO%20forged");

        assertThat(assertThrows(IllegalArgumentException.class, () -> parts.flag("tls", false)).getMessage())
                .endsWith("tls must be true or false, but was 'no\\x0a[main] INFO forged'").doesNotContain("\n");
    }

    @Test
    void option_nameTheGrammarDoesNotList_isAProgrammingError() {
        RegistryUriParts parts = parse("demo://h?size=3");

        assertThat(assertThrows(IllegalArgumentException.class, () -> parts.option("sise")).getMessage())
                .isEqualTo("'sise' is not one of the options this URI's grammar lists: timeout, size, tls, mode, name");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "demo://h/a//b        | path segments must match [A-Za-z0-9_][A-Za-z0-9._-]{0,63}, but was ''",
            "demo://h/a/../b      | path segments must match [A-Za-z0-9_][A-Za-z0-9._-]{0,63}, but was '..'",
            "demo://h/-a          | but was '-a'",
            "demo://h//           | but was ''"})
    void namePath_badSegment_namesIt(String uri, String expected) {
        RegistryUriParts parts = parse(uri);

        assertThat(assertThrows(IllegalArgumentException.class, () -> parts.namePath("path", "/d")).getMessage())
                .startsWith("registry URI '" + uri + "' is not valid: ").contains(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"demo://h/ | /d", "demo://h/a_1/b-2.c | /a_1/b-2.c", "demo://h/x/ | /x"})
    void namePath_goodPath_trailingSlashDropped(String uri, String expected) {
        assertThat(parse(uri).namePath("path", "/d")).isEqualTo(expected);
    }

    /** Every message, whatever part is bad, quotes the URI with its password masked. */
    @ParameterizedTest
    @ValueSource(strings = {"", ":1", "/x", "h1,,h2", "h*x", "[::1", "[::1]x", "h:0", "h:99999", "h?colour=1",
            "h?size=1&size=2", "h?%zz", "h?size=%zz"})
    void parse_anyBadPart_passwordMaskedInTheMessage(String tail) {
        for (String userInfo : List.of("u:" + SECRET + "@", ":" + SECRET + "@", SECRET + "@", "u:" + SECRET + "@x@",
                "u:" + SECRET + "#x@")) {
            String uri = "demo://" + userInfo + tail;
            String message = problem(uri);

            assertThat(message).as(uri).startsWith("registry URI 'demo://").contains("****@").doesNotContain(SECRET);
        }
    }

    @Test
    void invalid_quotesTheMaskedUri() {
        RegistryUriParts parts = parse("demo://u:" + SECRET + "@h?name=x");

        assertThat(parts.invalid("database must be 0..15").getMessage())
                .isEqualTo("registry URI 'demo://u:****@h?name=x' is not valid: database must be 0..15");
    }

    @Test
    void address_badHostOrPort_refused() {
        assertThat(assertThrows(IllegalArgumentException.class, () -> new Address("h", 0)).getMessage())
                .isEqualTo("port must be 1..65535, but was 0");
        assertThat(assertThrows(IllegalArgumentException.class, () -> new Address("h", 65536)).getMessage())
                .isEqualTo("port must be 1..65535, but was 65536");
        assertThat(assertThrows(IllegalArgumentException.class, () -> new Address("", 1)).getMessage())
                .isEqualTo("host must not be empty");
    }
}
