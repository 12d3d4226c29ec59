package dev.beacon.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The median of paired differences {@code a[i] - b[i]} with its distribution-free 95 % confidence interval (the
 * sign-test interval: order statistics chosen from the binomial distribution, no assumption about the noise). Two
 * variants measured in the same round of an alternation share that round's machine state, so their difference
 * cancels most of a shared machine's drift, which a difference of two medians does not.
 *
 * @param median the median difference
 * @param low    the interval's lower bound, NaN with fewer than six pairs (no 95 % interval exists then)
 * @param high   the interval's upper bound, NaN with fewer than six pairs
 * @param pairs  how many pairs had both values
 */
record PairedDifference(double median, double low, double high, int pairs) {

    /** Pairs {@code a} and {@code b} by index; a pair with a NaN on either side is left out. */
    static PairedDifference of(List<Double> a, List<Double> b) {
        if (a.size() != b.size()) {
            throw new IllegalArgumentException("unpaired samples: " + a.size() + " against " + b.size());
        }
        List<Double> differences = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            double d = a.get(i) - b.get(i);
            if (!Double.isNaN(d)) {
                differences.add(d);
            }
        }
        Collections.sort(differences);
        int n = differences.size();
        if (n == 0) {
            return new PairedDifference(Double.NaN, Double.NaN, Double.NaN, 0);
        }
        double median = n % 2 == 1 ? differences.get(n / 2)
                : (differences.get(n / 2 - 1) + differences.get(n / 2)) / 2;
        int k = lowerRank(n);
        if (k < 1) {
            return new PairedDifference(median, Double.NaN, Double.NaN, n);
        }
        return new PairedDifference(median, differences.get(k - 1), differences.get(n - k), n);
    }

    /**
     * The largest rank {@code k} (1-based) such that {@code P(X <= k - 1) <= 0.025} for {@code X ~ Binomial(n, 1/2)}:
     * {@code [d(k), d(n-k+1)]} then covers the median with at least 95 %. 0 when no such rank exists ({@code n < 6}).
     */
    static int lowerRank(int n) {
        double cumulative = 0;
        double term = Math.pow(0.5, n); // P(X = 0)
        int k = 0;
        for (int x = 0; x < n; x++) {
            cumulative += term;
            if (cumulative > 0.025) {
                break;
            }
            k = x + 1;
            term = term * (n - x) / (x + 1); // P(X = x + 1)
        }
        return k;
    }

    /** {@code +12 ms (95 % CI -3 … +25 ms, 31 pairs)}. */
    String format(String unit) {
        String interval = Double.isNaN(low) ? "too few pairs for a 95 % CI"
                : String.format(Locale.ROOT, "95 %% CI %+.0f … %+.0f %s", low, high, unit);
        return String.format(Locale.ROOT, "%+.0f %s (%s, %d pairs)", median, unit, interval, pairs);
    }
}
