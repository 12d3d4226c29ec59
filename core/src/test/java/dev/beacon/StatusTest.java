package dev.beacon;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

class StatusTest {

    @ParameterizedTest
    @CsvSource({"UP, UP", "up, UP", "' Draining ', DRAINING", "starting, STARTING", "Down, DOWN",
        "maintenance, MAINTENANCE"})
    void parse_anyCaseAndSurroundingSpace_returnsStatus(String value, Status expected) {
        assertThat(Status.parse(value)).isEqualTo(expected);
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "RUNNING", "U P"})
    void parse_unknownValue_throwsNamingValueAndValidOnes(String value) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Status.parse(value));

        assertThat(e.getMessage())
                .isEqualTo("status must be one of STARTING, UP, DOWN, DRAINING, MAINTENANCE, but was '" + value + "'");
    }
}
