package dev.beacon.balance.internal;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class HashingTest {

    @Test
    void hash64_sameInput_sameHash() {
        assertThat(Hashing.hash64("user-42", 7)).isEqualTo(Hashing.hash64(new StringBuilder("user-42"), 7));
    }

    @Test
    void hash64_otherSeedOrPaddedInput_differs() {
        assertThat(Hashing.hash64("user-42", 7)).isNotEqualTo(Hashing.hash64("user-42", 8));
        // the length is mixed in, so a trailing NUL does not collide with the shorter key
        assertThat(Hashing.hash64("ab", 7)).isNotEqualTo(Hashing.hash64("ab\0", 7));
        assertThat(Hashing.hash64("", 7)).isNotEqualTo(Hashing.hash64("\0", 7));
    }

    @Test
    void hash64_hundredThousandSequentialKeys_noCollision() {
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            seen.add(Hashing.hash64("key-" + i, 0));
        }

        assertThat(seen).hasSize(100_000);
    }

    /**
     * Avalanche: flipping one input bit flips each output bit with probability ½, so 32 of 64 on average. Over
     * 20,000 flips the mean has a standard deviation of √(64 × ¼ / 20,000) ≈ 0.028 bits; the bound ±0.5 is 17 of
     * them, while a weak mix (for example FNV-1a without a finaliser) averages far fewer for flips in the last char.
     */
    @Test
    void hash64_oneInputBitFlipped_flipsHalfTheOutputBitsOnAverage() {
        long flipped = 0;
        int trials = 0;
        for (int i = 0; i < 1_000; i++) {
            char[] key = ("session-" + i).toCharArray();
            long original = Hashing.hash64(new String(key), 0);
            for (int bit = 0; bit < 16; bit++) {
                for (int position : new int[]{0, key.length - 1}) {
                    key[position] ^= (char) (1 << bit);
                    flipped += Long.bitCount(original ^ Hashing.hash64(new String(key), 0));
                    key[position] ^= (char) (1 << bit);
                    trials++;
                }
            }
        }

        assertThat(flipped / (double) trials).isBetween(31.5, 32.5);
    }
}
