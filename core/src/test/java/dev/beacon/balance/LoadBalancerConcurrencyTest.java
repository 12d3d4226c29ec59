package dev.beacon.balance;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static dev.beacon.balance.TestEndpoints.finished;
import static dev.beacon.balance.TestEndpoints.started;
import static dev.beacon.balance.TestEndpoints.endpoint;
import static dev.beacon.balance.TestEndpoints.endpoints;
import static dev.beacon.balance.TestEndpoints.weighted;
import static org.assertj.core.api.Assertions.assertThat;

/** Every balancer from 8 threads at once: no exception, every call answered from the list, exact totals. */
class LoadBalancerConcurrencyTest {

    private static final int THREADS = 8;
    private static final int CALLS_PER_THREAD = 50_000;
    private static final int TOTAL = THREADS * CALLS_PER_THREAD;

    static Stream<String> balancers() {
        return Stream.of("roundRobin", "random", "weightedRoundRobin", "leastInFlight", "powerOfTwoChoices",
                "consistentHash", "zonePreferring");
    }

    static LoadBalancer create(String name) {
        return switch (name) {
            case "roundRobin" -> LoadBalancer.roundRobin();
            case "random" -> LoadBalancer.random();
            case "weightedRoundRobin" -> LoadBalancer.weightedRoundRobin();
            case "leastInFlight" -> LoadBalancer.leastInFlight();
            case "powerOfTwoChoices" -> LoadBalancer.powerOfTwoChoices();
            case "consistentHash" -> LoadBalancer.consistentHash();
            case "zonePreferring" -> LoadBalancer.zonePreferring("eu-1a", LoadBalancer.roundRobin());
            default -> throw new IllegalArgumentException(name);
        };
    }

    @ParameterizedTest
    @MethodSource("balancers")
    void choose_eightThreads_noExceptionAndEveryCallCounted(String name) throws Exception {
        List<Endpoint> list = endpoints(8);
        LoadBalancer balancer = create(name);

        long[] counts = run(() -> balancer, list, true);

        assertThat(sum(counts)).isEqualTo(TOTAL);
        assertThat(Arrays.stream(counts).boxed()).allSatisfy(c -> assertThat(c).isPositive());
        assertThat(list).allSatisfy(e -> assertThat(e.inFlight()).isZero());
    }

    @Test
    void roundRobin_eightThreadsEightEndpoints_exactlyEqualCounts() throws Exception {
        LoadBalancer balancer = LoadBalancer.roundRobin();

        long[] counts = run(() -> balancer, endpoints(8), false);

        assertThat(counts).containsOnly(TOTAL / 8);
    }

    @Test
    void weightedRoundRobin_eightThreads_exactCountsPerWeight() throws Exception {
        List<Endpoint> list = weighted(1, 2, 3, 4, 1, 2, 3, 4);
        LoadBalancer balancer = LoadBalancer.weightedRoundRobin();

        long[] counts = run(() -> balancer, list, false);

        long cycles = TOTAL / 20;
        assertThat(counts).containsExactly(cycles, 2 * cycles, 3 * cycles, 4 * cycles, cycles, 2 * cycles,
                3 * cycles, 4 * cycles);
    }

    @Test
    void zonePreferring_eightThreads_exactCountsOnLocalEndpointsOnly() throws Exception {
        List<Endpoint> list = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            list.add(endpoint("z-" + i, java.util.Map.of("zone", i % 2 == 0 ? "eu-1a" : "eu-1b")));
        }
        List<Endpoint> snapshot = List.copyOf(list);
        LoadBalancer balancer = LoadBalancer.zonePreferring("eu-1a", LoadBalancer.roundRobin());

        long[] counts = run(() -> balancer, snapshot, false);

        assertThat(counts).containsExactly(TOTAL / 4, 0, TOTAL / 4, 0, TOTAL / 4, 0, TOTAL / 4, 0);
    }

    @Test
    void consistentHash_eightThreads_sameAnswerAsOneThread() throws Exception {
        List<Endpoint> list = endpoints(8);
        LoadBalancer reference = LoadBalancer.consistentHash();
        Endpoint[] expected = new Endpoint[1_000];
        for (int k = 0; k < expected.length; k++) {
            expected[k] = reference.choose(list, "k" + k);
        }
        LoadBalancer balancer = LoadBalancer.consistentHash();

        int[] wrong = new int[1];
        inThreads(thread -> {
            int mismatches = 0;
            for (int i = 0; i < CALLS_PER_THREAD; i++) {
                int k = (i * 7 + thread) % expected.length;
                if (balancer.choose(list, "k" + k) != expected[k]) {
                    mismatches++;
                }
            }
            synchronized (wrong) {
                wrong[0] += mismatches;
            }
        });

        assertThat(wrong[0]).isZero();
    }

    @ParameterizedTest
    @MethodSource("balancers")
    void choose_listsSwappedWhileCalling_alwaysAMemberOfTheGivenList(String name) throws Exception {
        List<Endpoint> big = weighted(1, 2, 3, 1, 2, 3, 1, 2, 3, 1);
        List<Endpoint> small = List.of(big.get(0), big.get(5), big.get(9));
        LoadBalancer balancer = create(name);

        int[] outside = new int[1];
        inThreads(thread -> {
            int bad = 0;
            for (int i = 0; i < CALLS_PER_THREAD / 10; i++) {
                List<Endpoint> list = (i / 100 + thread) % 2 == 0 ? big : small;
                Endpoint chosen = balancer.choose(list, i % 3 == 0 ? null : "k" + i);
                if (!list.contains(chosen)) {
                    bad++;
                }
            }
            synchronized (outside) {
                outside[0] += bad;
            }
        });

        assertThat(outside[0]).isZero();
    }

    /** Runs the calls in 8 threads started together; returns how often each endpoint was chosen. */
    private static long[] run(Supplier<LoadBalancer> balancer, List<Endpoint> list, boolean track)
            throws Exception {
        AtomicLongArray counts = new AtomicLongArray(list.size());
        inThreads(thread -> {
            long[] local = new long[list.size()];
            for (int i = 0; i < CALLS_PER_THREAD; i++) {
                Endpoint chosen = balancer.get().choose(list, "k" + (i % 997));
                if (track) {
                    started(chosen);
                }
                local[list.indexOf(chosen)]++;
                if (track) {
                    finished(chosen, 1_000 + i % 100);
                }
            }
            for (int e = 0; e < local.length; e++) {
                counts.addAndGet(e, local[e]);
            }
        });
        long[] result = new long[list.size()];
        for (int e = 0; e < result.length; e++) {
            result[e] = counts.get(e);
        }
        return result;
    }

    interface Body {
        void run(int thread) throws Exception;
    }

    private static void inThreads(Body body) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            CyclicBarrier start = new CyclicBarrier(THREADS);
            List<Future<Void>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                Callable<Void> task = () -> {
                    start.await();
                    body.run(thread);
                    return null;
                };
                futures.add(pool.submit(task));
            }
            for (Future<Void> future : futures) {
                future.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static long sum(long[] counts) {
        long sum = 0;
        for (long c : counts) {
            sum += c;
        }
        return sum;
    }
}
