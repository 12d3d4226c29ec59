package dev.beacon.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** Latency samples in microseconds, with the percentiles and formatting the reports use. */
final class Samples {

    private final List<Long> micros = new ArrayList<>();

    synchronized void add(long value) {
        micros.add(value);
    }

    synchronized List<Long> sorted() {
        List<Long> sorted = new ArrayList<>(micros);
        Collections.sort(sorted);
        return sorted;
    }

    synchronized int size() {
        return micros.size();
    }

    /** The nearest-rank percentile in microseconds; -1 when there are no samples. */
    long percentile(double percentile) {
        List<Long> sorted = sorted();
        if (sorted.isEmpty()) {
            return -1;
        }
        int index = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    long max() {
        return percentile(100);
    }

    /** Wall-clock time now in microseconds since the epoch: comparable between JVMs on one machine. */
    static long epochMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    /** {@code 1.23 ms}, {@code 456 µs} or {@code 12.3 s}; "–" for a missing value. */
    static String format(long micros) {
        if (micros < 0) {
            return "–";
        }
        if (micros >= 10_000_000) {
            return String.format(Locale.ROOT, "%.1f s", micros / 1e6);
        }
        if (micros >= 1_000_000) {
            return String.format(Locale.ROOT, "%.2f s", micros / 1e6);
        }
        if (micros >= 1_000) {
            return String.format(Locale.ROOT, "%.2f ms", micros / 1e3);
        }
        return String.format(Locale.ROOT, "%d µs", micros);
    }

    /** {@code peer / beacon} as {@code 3.4×}; "–" when either is missing. */
    static String ratio(double peer, double beacon) {
        if (peer <= 0 || beacon <= 0 || Double.isNaN(peer) || Double.isNaN(beacon)) {
            return "–";
        }
        double r = peer / beacon;
        return String.format(Locale.ROOT, r >= 10 ? "%,.0f×" : r >= 1 ? "%.1f×" : "%.2f×", r);
    }

    /** The 1-minute load average from {@code /proc/loadavg}, or "unknown". */
    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /** One line describing where the numbers come from. */
    static String machine() {
        return Runtime.getRuntime().availableProcessors() + " cores, " + System.getProperty("java.vm.name") + " "
                + System.getProperty("java.version") + ", load average (1 min) " + loadAverage();
    }
}
