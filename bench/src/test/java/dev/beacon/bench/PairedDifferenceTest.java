package dev.beacon.bench;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PairedDifferenceTest {

    @Test
    void lowerRank_matchesTheSignTestTable() {
        // ranks of the 95 % interval for the median from the binomial table: n=6 → 1, n=20 → 6, n=31 → 10
        assertThat(PairedDifference.lowerRank(5)).isZero();
        assertThat(PairedDifference.lowerRank(6)).isEqualTo(1);
        assertThat(PairedDifference.lowerRank(20)).isEqualTo(6);
        assertThat(PairedDifference.lowerRank(31)).isEqualTo(10);
    }

    @Test
    void of_differencesPairedByIndex_medianAndOrderStatistics() {
        List<Double> a = new ArrayList<>();
        List<Double> b = new ArrayList<>();
        for (int i = 0; i < 31; i++) {
            b.add(1000.0 + 37 * i % 101); // b's level drifts; the difference does not depend on it
            a.add(b.get(i) + i - 15); // differences -15 .. +15
        }
        PairedDifference d = PairedDifference.of(a, b);
        assertThat(d.pairs()).isEqualTo(31);
        assertThat(d.median()).isEqualTo(0.0);
        assertThat(d.low()).isEqualTo(-6.0); // the 10th smallest of -15..15
        assertThat(d.high()).isEqualTo(6.0); // the 22nd
        assertThat(d.format("ms")).isEqualTo("+0 ms (95 % CI -6 … +6 ms, 31 pairs)");
    }

    @Test
    void of_leavesOutPairsWithAMissingValue_andHasNoIntervalForFewPairs() {
        PairedDifference d = PairedDifference.of(List.of(5.0, Double.NaN, 7.0, 9.0), List.of(1.0, 2.0, 3.0, 4.0));
        assertThat(d.pairs()).isEqualTo(3);
        assertThat(d.median()).isEqualTo(4.0);
        assertThat(d.low()).isNaN();
        assertThat(d.format("ms")).isEqualTo("+4 ms (too few pairs for a 95 % CI, 3 pairs)");
        assertThatThrownBy(() -> PairedDifference.of(List.of(1.0), List.of()))
                .hasMessage("unpaired samples: 1 against 0");
    }
}
