package dev.beacon.bench.integrations;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * Calls made in a loop by a few threads while an instance stops: each records when it started, and the instance it
 * reached ({@code routedTo}: from the answer, or from the failure when the failure names the instance).
 */
final class Calls implements AutoCloseable {

    record Call(long startedNanos, Optional<String> routedTo, boolean failed) {
    }

    private final ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final List<Thread> threads = new ArrayList<>();

    Calls(int threadCount, Callable<String> call, Function<Exception, Optional<String>> failedTo) {
        for (int i = 0; i < threadCount; i++) {
            Thread thread = new Thread(() -> {
                while (!stop.get()) {
                    long started = System.nanoTime();
                    try {
                        calls.add(new Call(started, Optional.of(call.call()), false));
                    } catch (Exception e) {
                        calls.add(new Call(started, failedTo.apply(e), true));
                    }
                }
            }, "calls-" + i);
            thread.start();
            threads.add(thread);
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        for (Thread thread : threads) {
            thread.join();
        }
    }

    /** What happened from {@code t0} on, for instance {@code stopped}. */
    Outcome since(long t0, String stopped) {
        long last = -1;
        int failed = 0;
        int total = 0;
        for (Call call : calls) {
            if (call.startedNanos() < t0) {
                continue;
            }
            total++;
            if (call.failed()) {
                failed++;
            }
            if (call.routedTo().map(stopped::equals).orElse(false)) {
                last = Math.max(last, call.startedNanos() - t0);
            }
        }
        return new Outcome(total, failed, last < 0 ? Optional.empty() : Optional.of(last / 1_000_000.0));
    }

    /** Calls since the stop; how many failed; when the last one routed to the stopped instance started (ms). */
    record Outcome(int total, int failed, Optional<Double> lastRoutedMillis) {
    }
}
