package dev.beacon.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SamplesTest {

    @Test
    void percentile_nearestRank_overUnsortedSamples() {
        Samples samples = new Samples();
        for (long v : new long[]{50, 10, 40, 20, 30, 60, 70, 80, 90, 100}) {
            samples.add(v);
        }
        assertThat(samples.percentile(50)).isEqualTo(50);
        assertThat(samples.percentile(99)).isEqualTo(100);
        assertThat(samples.percentile(10)).isEqualTo(10);
        assertThat(samples.max()).isEqualTo(100);
    }

    @Test
    void percentile_noSamples_isMinusOneAndFormatsAsDash() {
        Samples samples = new Samples();
        assertThat(samples.percentile(50)).isEqualTo(-1);
        assertThat(Samples.format(samples.percentile(50))).isEqualTo("–");
    }

    @Test
    void format_picksTheUnitByMagnitude() {
        assertThat(Samples.format(999)).isEqualTo("999 µs");
        assertThat(Samples.format(2_450)).isEqualTo("2.45 ms");
        assertThat(Samples.format(1_370_000)).isEqualTo("1.37 s");
        assertThat(Samples.format(40_600_000)).isEqualTo("40.6 s");
    }

    @Test
    void ratio_formatsPeerOverBeacon_andDashWhenMissing() {
        assertThat(Samples.ratio(8_474, 110)).isEqualTo("77×");
        assertThat(Samples.ratio(135_310, 10.8)).isEqualTo("12,529×");
        assertThat(Samples.ratio(3.5, 1)).isEqualTo("3.5×");
        assertThat(Samples.ratio(1, 4)).isEqualTo("0.25×");
        assertThat(Samples.ratio(-1, 4)).isEqualTo("–");
        assertThat(Samples.ratio(Double.NaN, 4)).isEqualTo("–");
    }
}
