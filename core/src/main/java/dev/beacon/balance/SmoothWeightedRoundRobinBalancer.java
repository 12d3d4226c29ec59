package dev.beacon.balance;

import dev.beacon.balance.internal.Rotation;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Smooth weighted round robin, nginx's algorithm ({@code ngx_http_upstream_get_peer}): every step each endpoint's
 * current value grows by its weight, the largest is chosen (the first in list order on a tie) and loses the total
 * weight. With weights 5:1:1 that gives {@code a a b a c a a} rather than {@code a a a a a b c}; after any number of
 * calls each endpoint is less than one call away from its exact share.
 *
 * <p>Instead of running the algorithm under a lock on every call, the balancer runs it once per endpoint list
 * (identity) into a schedule, an array of one whole cycle, and serves calls by cycling through it with an atomic
 * counter: one increment and one array read per call, no lock, no allocation. The first call that sees a new list
 * builds the new schedule (concurrent first callers may each build it; the results are identical). Equal weights
 * need no schedule: that is plain round robin, which is what nginx's algorithm gives for them.
 *
 * <p>Weights ({@link Endpoint#weight()}, which may be fractional while an instance warms up) are first made
 * integers: integral weights are used exactly (divided by their greatest common divisor) when their sum fits the
 * schedule; otherwise each weight is scaled relative to the largest and rounded, with as much precision as the
 * schedule length allows (at most 1/{@value #MAX_PRECISION} of the largest weight), every endpoint getting at least
 * one slot. The schedule length {@code T} is at most {@code max(}{@value #MAX_SCHEDULE}{@code , 4n)} for {@code n}
 * endpoints, and also at most {@value #BUILD_BUDGET}{@code / g} for {@code g} distinct weights (but never below
 * {@code n}), because a build costs {@code T × g} steps: endpoints of equal weight take their turns in list order, so
 * each step compares one candidate per distinct weight. For example 1,000 endpoints of weight 1 plus one warming up
 * get a resolution of about 1/15; 100 endpoints, 1/160.
 *
 * <p>Guarantee: while the list is unchanged, any {@code T} consecutive calls choose each endpoint exactly as often as
 * its integer weight, whatever the number of threads.
 */
final class SmoothWeightedRoundRobinBalancer implements LoadBalancer {

    /** Schedule length allowed whatever the endpoint count (64 KiB of references with compressed oops). */
    static final int MAX_SCHEDULE = 1 << 14;
    /** Bound on schedule length × distinct weights, the cost of one rebuild. */
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

    /** The longest schedule allowed for {@code n} endpoints with {@code distinct} different weights. */
    static int maxScheduleLength(int n, int distinct) {
        long cap = Math.min(Math.max(MAX_SCHEDULE, 4L * n), BUILD_BUDGET / distinct);
        return (int) Math.max(n, cap);
    }

    /**
     * The integer weights the schedule uses for {@code endpoints}, in list order, reduced by their greatest common
     * divisor; their sum is the schedule length.
     */
    static int[] integerWeights(List<Endpoint> endpoints) {
        int n = endpoints.size();
        double[] raw = new double[n];
        boolean integral = true;
        double sum = 0;
        for (int i = 0; i < n; i++) {
            raw[i] = endpoints.get(i).weight();
            integral &= raw[i] == Math.rint(raw[i]);
            sum += raw[i];
        }
        double[] sorted = raw.clone();
        Arrays.sort(sorted);
        int distinct = 1;
        for (int i = 1; i < n; i++) {
            if (sorted[i] != sorted[i - 1]) {
                distinct++;
            }
        }
        double largest = sorted[n - 1];
        long maxTotal = maxScheduleLength(n, distinct);
        int[] weights = new int[n];
        if (integral && sum <= maxTotal) {
            for (int i = 0; i < n; i++) {
                weights[i] = (int) raw[i];
            }
        } else {
            // Each weight rounds up by less than one, so n spare slots keep the total within maxTotal.
            double relativeSum = sum / largest;
            long precision = Math.max(1, Math.min(MAX_PRECISION, (long) ((maxTotal - n) / relativeSum)));
            for (int i = 0; i < n; i++) {
                weights[i] = (int) Math.max(1, Math.round(raw[i] / largest * precision));
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

        /**
         * Runs nginx's algorithm for one cycle. After {@code t} steps an endpoint of weight {@code w} chosen
         * {@code k} times has the current value {@code t·w − T·k}; among endpoints of equal weight the largest is
         * the one chosen least often, first in list order, so each group of equal weight takes turns in list order
         * and only its next member competes in a step.
         */
        static Schedule of(List<Endpoint> endpoints) {
            int[] weights = integerWeights(endpoints);
            int n = weights.length;
            long total = 0;
            long[] byWeight = new long[n];
            for (int i = 0; i < n; i++) {
                total += weights[i];
                byWeight[i] = (long) weights[i] << 32 | i;
            }
            if (total == n) {
                return new Schedule(endpoints, null);
            }
            Arrays.sort(byWeight);
            int[] members = new int[n];
            int[] groupStart = new int[n];
            int[] groupSize = new int[n];
            long[] groupWeight = new long[n];
            int groups = 0;
            for (int i = 0; i < n; i++) {
                members[i] = (int) byWeight[i];
                long weight = byWeight[i] >>> 32;
                if (groups == 0 || groupWeight[groups - 1] != weight) {
                    groupStart[groups] = i;
                    groupWeight[groups] = weight;
                    groups++;
                }
                groupSize[groups - 1]++;
            }
            int[] turn = new int[groups];
            long[] rounds = new long[groups];
            Endpoint[] order = new Endpoint[(int) total];
            for (int step = 1; step <= total; step++) {
                int best = -1;
                long bestValue = 0;
                int bestMember = 0;
                for (int g = 0; g < groups; g++) {
                    long value = step * groupWeight[g] - total * rounds[g];
                    int member = members[groupStart[g] + turn[g]];
                    if (best < 0 || value > bestValue || (value == bestValue && member < bestMember)) {
                        best = g;
                        bestValue = value;
                        bestMember = member;
                    }
                }
                order[step - 1] = endpoints.get(bestMember);
                if (++turn[best] == groupSize[best]) {
                    turn[best] = 0;
                    rounds[best]++;
                }
            }
            return new Schedule(endpoints, order);
        }
    }
}
