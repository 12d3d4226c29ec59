package dev.beacon.health;

import dev.beacon.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Rise/fall as pure logic: sequences of passes ({@code P}) and failures ({@code F}) and the statuses they lead to. */
class HealthThresholdsTest {

    private static final HealthThresholds DEFAULTS = HealthThresholds.defaults();

    /** The status after each result of {@code results}, starting from {@code start}. */
    private static List<Status> run(HealthThresholds thresholds, HealthState start, String results) {
        List<Status> statuses = new ArrayList<>();
        HealthState state = start;
        for (char c : results.toCharArray()) {
            state = thresholds.next(state, c == 'P');
            statuses.add(state.status());
        }
        return statuses;
    }

    private static final Status S = Status.STARTING;
    private static final Status U = Status.UP;
    private static final Status D = Status.DOWN;

    @Test
    void defaults_areRiseTwoFallThree() {
        assertThat(DEFAULTS).isEqualTo(new HealthThresholds(2, 3));
    }

    @Test
    void next_startingFirstPass_isUpAtOnceWhateverRise() {
        assertThat(run(new HealthThresholds(5, 3), HealthState.starting(), "P")).containsExactly(U);
    }

    @Test
    void next_startingFailures_staysStartingNeverDown() {
        assertThat(run(DEFAULTS, HealthState.starting(), "FFFFFF")).containsOnly(S);
    }

    @Test
    void next_startingFailuresThenPass_isUp() {
        assertThat(run(DEFAULTS, HealthState.starting(), "FFFFP")).containsExactly(S, S, S, S, U);
    }

    @Test
    void next_upFailures_downAtTheFallThFailure() {
        assertThat(run(DEFAULTS, HealthState.assuming(U), "FFFF")).containsExactly(U, U, D, D);
    }

    @Test
    void next_downPasses_upAtTheRiseThPass() {
        assertThat(run(DEFAULTS, HealthState.assuming(D), "PPP")).containsExactly(D, U, U);
    }

    @Test
    void next_fullCycle_startingUpDownUp() {
        assertThat(run(DEFAULTS, HealthState.starting(), "PFFFPPF"))
                .containsExactly(U, U, U, D, D, U, U);
    }

    @Test
    void next_failureStreakBrokenByPass_startsCountingAgain() {
        assertThat(run(DEFAULTS, HealthState.assuming(U), "FFPFFPFF")).containsOnly(U);
    }

    @Test
    void next_passStreakBrokenByFailure_startsCountingAgain() {
        assertThat(run(DEFAULTS, HealthState.assuming(D), "PFPFPF")).containsOnly(D);
    }

    /** Flapping: an instance failing every other check never changes status either way. */
    @ParameterizedTest
    @ValueSource(strings = {"UP", "DOWN"})
    void next_alternatingResults_neverFlips(Status start) {
        assertThat(run(DEFAULTS, HealthState.assuming(start), "PF".repeat(50))).containsOnly(start);
    }

    @ParameterizedTest
    @CsvSource({"1, 1, PFPF, UP DOWN UP DOWN", "1, 2, FFPF, UP DOWN UP UP", "3, 1, FPPPF, DOWN DOWN DOWN UP DOWN"})
    void next_otherThresholds_followThem(int rise, int fall, String results, String expected) {
        List<Status> statuses = run(new HealthThresholds(rise, fall), HealthState.assuming(U), results);

        assertThat(statuses).containsExactlyElementsOf(
                java.util.Arrays.stream(expected.split(" ")).map(Status::valueOf).toList());
    }

    @Test
    void next_countsStreaks() {
        HealthState state = DEFAULTS.next(DEFAULTS.next(HealthState.assuming(U), false), false);

        assertThat(state).isEqualTo(new HealthState(U, 0, 2));
        assertThat(DEFAULTS.next(state, true)).isEqualTo(new HealthState(U, 1, 0));
    }

    @Test
    void next_endlessStreak_saturatesInsteadOfOverflowing() {
        HealthState state = new HealthState(D, 0, Integer.MAX_VALUE);

        assertThat(DEFAULTS.next(state, false)).isEqualTo(state);
    }

    @ParameterizedTest
    @CsvSource({"0, 3, 'rise must be 1..100 consecutive passes, but was 0'",
            "101, 3, 'rise must be 1..100 consecutive passes, but was 101'",
            "2, 0, 'fall must be 1..100 consecutive failures, but was 0'",
            "2, -1, 'fall must be 1..100 consecutive failures, but was -1'"})
    void constructor_outOfRange_throwsNamingValue(int rise, int fall, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new HealthThresholds(rise, fall));

        assertThat(e.getMessage()).isEqualTo(message);
    }

    @Test
    void healthState_invalid_throwsNamingValues() {
        assertThat(assertThrows(IllegalArgumentException.class, () -> new HealthState(Status.DRAINING, 0, 0))
                .getMessage()).isEqualTo("a health state is STARTING, UP or DOWN, but was DRAINING");
        assertThat(assertThrows(IllegalArgumentException.class, () -> new HealthState(U, -1, 0))
                .getMessage()).isEqualTo("streaks must not be negative, but were passes=-1, failures=0");
        assertThat(assertThrows(IllegalArgumentException.class, () -> new HealthState(U, 1, 1))
                .getMessage()).contains("cannot both be running", "passes=1, failures=1");
    }

    @ParameterizedTest
    @CsvSource({"UP, UP", "DOWN, DOWN", "STARTING, STARTING", "DRAINING, STARTING"})
    void assuming_registeredStatus_keepsUpAndDownOnly(Status registered, Status expected) {
        assertThat(HealthState.assuming(registered)).isEqualTo(new HealthState(expected, 0, 0));
    }
}
