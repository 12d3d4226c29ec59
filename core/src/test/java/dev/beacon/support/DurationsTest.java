package dev.beacon.support;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DurationsTest {

    @ParameterizedTest
    @CsvSource({
            "500ms, 500",
            "3s,    3000",
            "2m,    120000",
            "1h,    3600000",
            "0ms,   0",
            "' 7s ', 7000",
            "3S,    3000",
            "'3 s', 3000",
            "1234567890ms, 1234567890"})
    void parse_numberWithUnit_returnsThatDuration(String text, long millis) {
        assertThat(Durations.parse("ttl", text)).isEqualTo(Duration.ofMillis(millis));
    }

    @org.junit.jupiter.api.Test
    void parse_days_areAccepted() {
        assertThat(Durations.parse("ttl", "1d")).isEqualTo(Duration.ofDays(1));
    }

    @ParameterizedTest
    @CsvSource({"5, 5", "0, 0", "86400, 86400"})
    void parse_bareNumber_meansSeconds(String text, long seconds) {
        assertThat(Durations.parse("ttl", text)).isEqualTo(Duration.ofSeconds(seconds));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "abc", "s", "ms", "-1s", "1.5s", "1w", "10sec", "1h30m", "+3s",
            "1e3", "3s,", "1234567890123"})
    void parse_badForm_throwsNamingKeyValueAndForm(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Durations.parse("heartbeat", text));

        assertThat(e.getMessage())
                .startsWith("heartbeat '" + text + "' is not a duration")
                .contains("500ms, 3s, 2m, 1h or 1d", "a bare number means seconds");
    }

    @ParameterizedTest
    @NullSource
    void parse_null_throwsNamingKey(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse("drain", text));

        assertThat(e.getMessage()).startsWith("drain null is not a duration");
    }

    @ParameterizedTest
    @CsvSource({
            "1500,    1500ms",
            "999,     999ms",
            "3000,    3s",
            "90000,   90s",
            "120000,  2m",
            "3600000, 1h",
            "5400000, 90m",
            "86400000, 1d",
            "0,       0s"})
    void format_duration_givesShortestExactForm(long millis, String expected) {
        assertThat(Durations.format(Duration.ofMillis(millis))).isEqualTo(expected);
    }

    @Test
    void format_thenParse_roundTrips() {
        for (long millis : new long[]{1, 100, 333, 1000, 3333, 60_000, 61_000, 3_600_000, 7_200_000, 86_400_000}) {
            Duration duration = Duration.ofMillis(millis);

            assertThat(Durations.parse("ttl", Durations.format(duration))).as("%d ms", millis).isEqualTo(duration);
        }
    }
}
