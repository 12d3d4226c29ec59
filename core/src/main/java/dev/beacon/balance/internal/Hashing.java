package dev.beacon.balance.internal;

/**
 * A fast, well-mixed 64-bit hash for consistent hashing, written here to avoid a dependency: the body of
 * MurmurHash3 x64 (one 64-bit lane; four UTF-16 chars per block, each block multiplied, rotated and folded in)
 * followed by MurmurHash3's {@code fmix64} finaliser, which gives full avalanche (every input bit flips each output
 * bit with probability about one half). It reads the chars of a {@code String} in place: no allocation, no charset
 * encoding (what a whole consistent-hashing choice costs is measured in BENCHMARKS.md, "Load balancers"). It is NOT a
 * cryptographic hash: a caller who chooses keys adversarially can aim them at one instance. Stateless; thread-safe.
 */
public final class Hashing {

    private static final long C1 = 0x87c37b91114253d5L;
    private static final long C2 = 0x4cf5ad432745937fL;

    private Hashing() {
    }

    /** The 64-bit hash of the chars of {@code value} with {@code seed}. */
    public static long hash64(CharSequence value, long seed) {
        int length = value.length();
        long h = seed;
        int i = 0;
        for (; i + 4 <= length; i += 4) {
            long block = value.charAt(i)
                    | (long) value.charAt(i + 1) << 16
                    | (long) value.charAt(i + 2) << 32
                    | (long) value.charAt(i + 3) << 48;
            h ^= mixBlock(block);
            h = Long.rotateLeft(h, 27) * 5 + 0x52dce729;
        }
        if (i < length) {
            long tail = 0;
            for (int shift = 0; i < length; i++, shift += 16) {
                tail |= (long) value.charAt(i) << shift;
            }
            h ^= mixBlock(tail);
        }
        h ^= length;
        return fmix64(h);
    }

    /** MurmurHash3's 64-bit finaliser: a bijection on {@code long} with full avalanche. */
    public static long fmix64(long k) {
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        k *= 0xc4ceb9fe1a85ec53L;
        k ^= k >>> 33;
        return k;
    }

    private static long mixBlock(long k) {
        k *= C1;
        k = Long.rotateLeft(k, 31);
        k *= C2;
        return k;
    }
}
