package dev.beacon.balance;

import dev.beacon.balance.internal.Rotation;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Smooth weighted round robin, nginx's algorithm ({@code ngx_http_upstream_get_peer}): every step each endpoint's
 * current value grows by its weight, the largest is chosen (the first in list order on a tie) and loses the total
 * weight. With weights 5:1:1 that gives {@code a a b a c a a} rather than {@code a a a a a b c}.
 *
 * <p>Instead of running the algorithm under a lock on every call, the balancer runs it once per endpoint list
 * (identity) into a schedule, an array of one whole cycle, and serves calls by cycling through it with an atomic
 * counter: one increment and one array read per call, no lock, no allocation. The first call that sees a new list
 * builds the new schedule (concurrent first callers may each build it; the results are identical).
 *
 * <p>Weights ({@link Endpoint#weight()}, which may be fractional while an instance warms up) are first made
 * integers: integral weights are used exactly (divided by their greatest common divisor) when their sum fits the
 * schedule; otherwise each weight is scaled relative to the largest and rounded, with as much precision as the
 * schedule length allows (at most 1/{@value #MAX_PRECISION} of the largest weight), every endpoint getting at least
 * one slot. The schedule holds at most {@code max(n, min(}{@value #MAX_SCHEDULE}{@code , }{@value #BUILD_BUDGET}
 * {@code / n))} entries for {@code n} endpoints, so a rebuild costs at most about {@value #BUILD_BUDGET} simple steps
 * when there are no more than {@value #BUILD_BUDGET} / {@value #MAX_SCHEDULE} = 256 endpoints (and n² steps beyond;
 * equal weights need no schedule at all). Hence at 1,000 endpoints with fractional weights the resolution is coarse
 * (about a third of the largest weight).
 *
 * <p>Guarantee: while the list is unchanged, any {@code T} consecutive calls, {@code T} being the schedule length,
 * choose each endpoint exactly as often as its integer weight, whatever the number of threads.
 */
final class SmoothWeightedRoundRobinBalancer implements LoadBalancer {

    /** Longest schedule, in entries (64 KiB of references with compressed oops). */
    static final int MAX_SCHEDULE = 1 << 14;
    /** Bound on schedule length × endpoint count, the cost of one rebuild. */
    static final int BUILD_BUDGET = 1 << 22;
    /** Finest resolution of fractional weights: 1/MAX_PRECISION of the largest weight. */
    static final int MAX_PRECISION = 1000;

    private final AtomicLong counter = new AtomicLong();
    private volatile Schedule schedule = new Schedule(null, null);

    @Override
    public Endpoint choose(List<Endpoint> endpoints, String key) {
        int size = endpoints.size();
        if (size == 1) {
            return endpoints.get(0);
        }
        Schedule current = schedule;
        if (current.source != endpoints) {
            current = Schedule.of(endpoints);
            schedule = current;
        }
        Endpoint[] order = current.order;
        if (order == null) {
            return endpoints.get(Rotation.index(counter.getAndIncrement(), size));
        }
        return order[Rotation.index(counter.getAndIncrement(), order.length)];
    }

    /**
     * The integer weights the schedule uses for {@code endpoints}, in list order, reduced by their greatest common
     * divisor; their sum is the schedule length.
     */
    static int[] integerWeights(List<Endpoint> endpoints) {
        int n = endpoints.size();
        long maxTotal = Math.max(n, Math.min(MAX_SCHEDULE, BUILD_BUDGET / n));
        int[] weights = new int[n];
        boolean integral = true;
        double sum = 0;
        double largest = 0;
        for (int i = 0; i < n; i++) {
            double weight = endpoints.get(i).weight();
            integral &= weight == Math.rint(weight);
            sum += weight;
            largest = Math.max(largest, weight);
        }
        if (integral && sum <= maxTotal) {
            for (int i = 0; i < n; i++) {
                weights[i] = (int) endpoints.get(i).weight();
            }
        } else {
            double relativeSum = sum / largest;
            long precision = Math.max(1, Math.min(MAX_PRECISION, (long) ((maxTotal - n) / relativeSum)));
            for (int i = 0; i < n; i++) {
                double relative = endpoints.get(i).weight() / largest;
                weights[i] = (int) Math.max(1, Math.round(relative * precision));
            }
        }
        int divisor = 0;
        for (int weight : weights) {
            divisor = gcd(divisor, weight);
        }
        for (int i = 0; i < n; i++) {
            weights[i] /= divisor;
        }
        return weights;
    }

    private static int gcd(int a, int b) {
        while (b != 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return a;
    }

    @Override
    public String toString() {
        return "weightedRoundRobin";
    }

    /** One cycle of choices for one list; {@code order == null} when all weights are equal (plain rotation). */
    private record Schedule(List<Endpoint> source, Endpoint[] order) {

        static Schedule of(List<Endpoint> endpoints) {
            int[] weights = integerWeights(endpoints);
            int n = weights.length;
            int total = 0;
            for (int weight : weights) {
                total += weight;
            }
            if (total == n) {
                return new Schedule(endpoints, null);
            }
            long[] current = new long[n];
            Endpoint[] order = new Endpoint[total];
            for (int step = 0; step < total; step++) {
                int best = 0;
                for (int i = 0; i < n; i++) {
                    current[i] += weights[i];
                    if (current[i] > current[best]) {
                        best = i;
                    }
                }
                current[best] -= total;
                order[step] = endpoints.get(best);
            }
            return new Schedule(endpoints, order);
        }
    }
}
