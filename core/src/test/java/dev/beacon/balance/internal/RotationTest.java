package dev.beacon.balance.internal;

import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class RotationTest {

    private static final BigInteger TWO_TO_64 = BigInteger.ONE.shiftLeft(64);

    @Test
    void index_edgeAndRandomCounters_equalsUnsignedRemainder() {
        long[] edges = {0, 1, Integer.MAX_VALUE, Integer.MAX_VALUE + 1L, Long.MAX_VALUE, Long.MIN_VALUE,
                Long.MIN_VALUE + 1, -2, -1};
        int[] sizes = {1, 2, 3, 7, 10, 1000, Integer.MAX_VALUE};
        SplittableRandom random = new SplittableRandom(42);
        for (int size : sizes) {
            for (long counter : edges) {
                assertThat(Rotation.index(counter, size)).as("%d mod %d", counter, size)
                        .isEqualTo(unsignedMod(counter, size));
            }
            for (int i = 0; i < 10_000; i++) {
                long counter = random.nextLong();
                assertThat(Rotation.index(counter, size)).as("%d mod %d", counter, size)
                        .isEqualTo(unsignedMod(counter, size));
            }
        }
    }

    @Test
    void index_acrossLongMaxValue_continuesByOne() {
        assertThat(Rotation.index(Long.MAX_VALUE, 3)).isEqualTo(1);
        assertThat(Rotation.index(Long.MIN_VALUE, 3)).isEqualTo(2);
        assertThat(Rotation.index(Long.MIN_VALUE + 1, 3)).isEqualTo(0);
    }

    private static int unsignedMod(long counter, int size) {
        BigInteger unsigned = BigInteger.valueOf(counter);
        if (counter < 0) {
            unsigned = unsigned.add(TWO_TO_64);
        }
        return unsigned.mod(BigInteger.valueOf(size)).intValueExact();
    }
}
