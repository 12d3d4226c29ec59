package dev.beacon.sample;

import dev.beacon.registry.Registries;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OptionsTest {

    @Test
    void parse_noArguments_usesDefaults() {
        assertThat(Options.parse())
                .isEqualTo(new Options(0, "sample-app", Registries.DEFAULT_URI, Optional.empty()));
    }

    @Test
    void parse_everyOption_readsItsValue() {
        Options options = Options.parse("--port", "8080", "--name", "orders-1", "--registry", "file:/tmp/reg",
                "--check-deregistered-on-shutdown", "orders");

        assertThat(options).isEqualTo(new Options(8080, "orders-1", "file:/tmp/reg", Optional.of("orders")));
    }

    @Test
    void parse_valueAfterEquals_readsIt() {
        Options options = Options.parse("--port=0", "--name=a b", "--registry=memory:");

        assertThat(options).isEqualTo(new Options(0, "a b", "memory:", Optional.empty()));
    }

    @Test
    void parse_portNotANumber_namesTheValue() {
        assertThatThrownBy(() -> Options.parse("--port", "eighty"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--port must be a number 0..65535 (0 = any free port), but was 'eighty'");
    }

    @Test
    void parse_portOutOfRange_namesTheValue() {
        assertThatThrownBy(() -> Options.parse("--port", "65536"))
                .hasMessageContaining("but was '65536'");
        assertThatThrownBy(() -> Options.parse("--port=-1"))
                .hasMessageContaining("but was '-1'");
    }

    @Test
    void parse_lastOptionWithoutValue_saysItNeedsOne() {
        assertThatThrownBy(() -> Options.parse("--name"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--name needs a value");
    }

    @Test
    void parse_optionFollowedByOption_namesTheFollower() {
        assertThatThrownBy(() -> Options.parse("--name", "--port", "1"))
                .hasMessage("--name needs a value, but was followed by '--port'");
    }

    @Test
    void parse_unknownArgument_namesIt() {
        assertThatThrownBy(() -> Options.parse("--port", "1", "extra"))
                .hasMessage("unknown argument 'extra'");
        assertThatThrownBy(() -> Options.parse("--verbose=yes"))
                .hasMessage("unknown argument '--verbose=yes'");
    }

    @Test
    void parse_blankName_isRejected() {
        assertThatThrownBy(() -> Options.parse("--name", " "))
                .hasMessage("--name must be 1..100 printable characters, but was ' '");
    }

    @Test
    void parse_unknownRegistryScheme_namesTheUri() {
        assertThatThrownBy(() -> Options.parse("--registry", "etcd://etcd:2379"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--registry: unknown registry 'etcd://etcd:2379'")
                .hasMessageContaining("file:");
    }

    @Test
    void parse_invalidServiceToCheck_namesTheValue() {
        assertThatThrownBy(() -> Options.parse("--check-deregistered-on-shutdown", "Orders"))
                .hasMessageStartingWith("--check-deregistered-on-shutdown: service name must match")
                .hasMessageEndingWith("but was 'Orders'");
    }
}
