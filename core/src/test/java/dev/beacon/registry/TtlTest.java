package dev.beacon.registry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TtlTest {

    @Test
    void parse_grammar_acceptsEveryUnit() {
        assertThat(Ttl.parse("1500ms")).isEqualTo(Duration.ofMillis(1500));
        assertThat(Ttl.parse("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Ttl.parse(" 2M ")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Ttl.parse("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(Ttl.parse("1d")).isEqualTo(Duration.ofDays(1));
        assertThat(Ttl.parse("45")).isEqualTo(Duration.ofSeconds(45));
    }

    @Test
    void parse_notADuration_namesTheForms() {
        assertThat(assertThrows(IllegalArgumentException.class, () -> Ttl.parse("soon")))
                .hasMessage("ttl 'soon' is not a duration; write it like 500ms, 3s, 2m, 1h or 1d "
                        + "(a bare number means seconds)");
        assertThrows(IllegalArgumentException.class, () -> Ttl.parse("1.5s"));
        assertThrows(IllegalArgumentException.class, () -> Ttl.parse("-1s"));
        assertThrows(IllegalArgumentException.class, () -> Ttl.parse("9999999999999s"));
        assertThrows(IllegalArgumentException.class, () -> Ttl.parse(null));
    }

    @Test
    void parse_outOfBounds_namesTheBounds() {
        assertThat(assertThrows(IllegalArgumentException.class, () -> Ttl.parse("999ms")))
                .hasMessage("ttl must be between 1s and 1d, but was '999ms'");
        assertThrows(IllegalArgumentException.class, () -> Ttl.parse("25h"));
        assertThat(Ttl.parse("1000ms")).isEqualTo(Ttl.MIN);
        assertThat(Ttl.parse("86400s")).isEqualTo(Ttl.MAX);
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 999, 86_400_001})
    void check_outOfBounds_throwsShowingTheValue(long millis) {
        assertThat(assertThrows(IllegalArgumentException.class, () -> Ttl.check(Duration.ofMillis(millis))))
                .hasMessageStartingWith("ttl must be between 1s and 1d, but was '");
    }

    @Test
    void check_null_throws() {
        assertThat(assertThrows(IllegalArgumentException.class, () -> Ttl.check(null)))
                .hasMessage("ttl must be between 1s and 1d, but was null");
    }

    @Test
    void ofSeconds_checksBoundsWithoutOverflow() {
        assertThat(Ttl.ofSeconds(30)).isEqualTo(Duration.ofSeconds(30));
        assertThat(assertThrows(IllegalArgumentException.class, () -> Ttl.ofSeconds(Long.MAX_VALUE)))
                .hasMessageContaining("but was '" + Long.MAX_VALUE + "'");
        assertThrows(IllegalArgumentException.class, () -> Ttl.ofSeconds(0));
    }
}
