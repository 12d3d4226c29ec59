package dev.beacon.http.internal;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TtlsTest {

    @Test
    void parse_everyUnit_andBareSeconds() {
        assertThat(Ttls.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Ttls.parse("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Ttls.parse(" 2M ")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Ttls.parse("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(Ttls.parse("1d")).isEqualTo(Duration.ofDays(1));
        assertThat(Ttls.parse("45")).isEqualTo(Duration.ofSeconds(45));
    }

    @Test
    void parse_notADuration_namesTheForms() {
        assertThat(assertThrows(IllegalArgumentException.class, () -> Ttls.parse("soon")))
                .hasMessage("ttl 'soon' is not a duration; write it like 500ms, 30s, 2m, 1h or 1d "
                        + "(a bare number means seconds)");
        assertThrows(IllegalArgumentException.class, () -> Ttls.parse("1.5s"));
        assertThrows(IllegalArgumentException.class, () -> Ttls.parse("-1s"));
        assertThrows(IllegalArgumentException.class, () -> Ttls.parse("9999999999999s"));
        assertThrows(IllegalArgumentException.class, () -> Ttls.parse(null));
    }

    @Test
    void parse_outOfBounds_namesTheBounds() {
        assertThat(assertThrows(IllegalArgumentException.class, () -> Ttls.parse("99ms")))
                .hasMessage("ttl must be between 100ms and 1d, but was '99ms'");
        assertThrows(IllegalArgumentException.class, () -> Ttls.parse("25h"));
        assertThat(Ttls.parse("100ms")).isEqualTo(Ttls.MIN);
        assertThat(Ttls.parse("86400s")).isEqualTo(Ttls.MAX);
    }

    @Test
    void ofSeconds_checksBoundsWithoutOverflow() {
        assertThat(Ttls.ofSeconds(30)).isEqualTo(Duration.ofSeconds(30));
        assertThat(assertThrows(IllegalArgumentException.class, () -> Ttls.ofSeconds(Long.MAX_VALUE)))
                .hasMessageContaining("but was '" + Long.MAX_VALUE + "'");
        assertThrows(IllegalArgumentException.class, () -> Ttls.ofSeconds(0));
    }

    @Test
    void format_shortestExactForm() {
        assertThat(Ttls.format(Duration.ofSeconds(30))).isEqualTo("30s");
        assertThat(Ttls.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(Ttls.format(Duration.ofMinutes(2))).isEqualTo("2m");
        assertThat(Ttls.format(Duration.ofHours(3))).isEqualTo("3h");
        assertThat(Ttls.format(Duration.ofDays(1))).isEqualTo("1d");
    }
}
