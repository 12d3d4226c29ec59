package dev.beacon.registry.eureka.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

class EurekaRegistryUriTest {

    @Test
    void parse_severalServersWithCredentialsAndOptions_everyPartAndPasswordMasked() {
        EurekaRegistryUri uri = EurekaRegistryUri.parse("eureka://alice:s3cr@t@h1:8761,h2/eureka?poll=200ms&tls=true");

        assertThat(uri.servers()).containsExactly(URI.create("https://h1:8761/eureka"),
                URI.create("https://h2:8761/eureka"));
        assertThat(uri.user()).contains("alice");
        assertThat(uri.password()).contains("s3cr@t");
        assertThat(uri.poll()).isEqualTo(Duration.ofMillis(200));
        assertThat(uri.toString()).isEqualTo("eureka://alice:****@h1:8761,h2/eureka?poll=200ms&tls=true");
        assertThat(uri.hosts()).isEqualTo(List.of("h1", "h2"));
    }

    @Test
    void parse_hostOnly_defaultsPortPathAndOptions() {
        EurekaRegistryUri uri = EurekaRegistryUri.parse("eureka://10.0.0.7");

        assertThat(uri.servers()).containsExactly(URI.create("http://10.0.0.7:8761/eureka"));
        assertThat(uri.user()).isEqualTo(Optional.empty());
        assertThat(uri.poll()).isEqualTo(Duration.ofSeconds(1));
        assertThat(uri.timeout()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void parse_ipv6WithZone_keptAsWritten() {
        EurekaRegistryUri uri = EurekaRegistryUri.parse("eureka://[::1%lo]:8762,[::1]");

        assertThat(uri.servers()).containsExactly(URI.create("http://[::1%lo]:8762/eureka"),
                URI.create("http://[::1]:8761/eureka"));
        assertThat(uri.hosts()).isEqualTo(List.of("::1%lo", "::1"));
    }

    /** Regression: such a host made a server URI without host, and hosts() threw a NullPointerException. */
    @ParameterizedTest
    @ValueSource(strings = {"a_b", "-h", "h-", "a..b", "h1.2"})
    void parse_nameTheHttpClientCannotRead_refused(String host) {
        assertThat(assertThrows(IllegalArgumentException.class,
                () -> EurekaRegistryUri.parse("eureka://u:pw-x@" + host + ":8761")).getMessage())
                .isEqualTo("registry URI 'eureka://u:****@" + host + ":8761' is not valid: host must be a DNS name "
                        + "or an IP address, but was '" + host + "'");
    }

    @Test
    void parse_badParts_oneMessageNamingTheValueAndWhatIsExpected_passwordMasked() {
        assertThat(assertThrows(IllegalArgumentException.class,
                () -> EurekaRegistryUri.parse("eureka://u:pw-x@h1:99999/eureka")).getMessage())
                .isEqualTo("registry URI 'eureka://u:****@h1:99999/eureka' is not valid: port must be a number "
                        + "1..65535, but was '99999'");
        assertThat(assertThrows(IllegalArgumentException.class,
                () -> EurekaRegistryUri.parse("eureka://h1?poll=fast")).getMessage())
                .startsWith("registry URI 'eureka://h1?poll=fast' is not valid: poll 'fast' is not a duration");
        assertThat(assertThrows(IllegalArgumentException.class,
                () -> EurekaRegistryUri.parse("eureka://h1?colour=red")).getMessage())
                .endsWith("unknown option 'colour'; expected one of poll, timeout, tls");
        assertThat(assertThrows(IllegalArgumentException.class,
                () -> EurekaRegistryUri.parse("eureka://h1,,h2")).getMessage())
                .contains("expected host[:port] between the commas");
        assertThat(assertThrows(IllegalArgumentException.class,
                () -> EurekaRegistryUri.parse("http://h1:8761/eureka")).getMessage())
                .contains("expected eureka://");
    }
}
