package dev.beacon.balance.internal;

/**
 * Turns a free-running call counter into a list index. The counter is read as an UNSIGNED 64-bit number, so it
 * passes {@link Long#MAX_VALUE} without a jump in the rotation (a signed {@code floorMod} would repeat or skip a
 * position there unless the size is a power of two); only the wrap from 2<sup>64</sup>&nbsp;−&nbsp;1 to 0, after
 * 584 years at one call per nanosecond, may shift the rotation once. Never negative, never throws, never allocates
 * (unlike {@link Long#remainderUnsigned}, which uses {@code BigInteger} for counters past {@code Long.MAX_VALUE}).
 * Stateless; thread-safe.
 */
public final class Rotation {

    private Rotation() {
    }

    /**
     * {@code counter mod size} with {@code counter} unsigned.
     *
     * @param size {@code > 0}
     * @return in {@code [0, size)}
     */
    public static int index(long counter, int size) {
        if (counter >= 0) {
            return (int) (counter % size);
        }
        // counter = 2 * (counter >>> 1) + (counter & 1); both halves fit a long, so reduce each and recombine.
        long half = (counter >>> 1) % size;
        return (int) ((2 * half + (counter & 1)) % size);
    }
}
