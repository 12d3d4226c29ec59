package dev.beacon.testing;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What was written to {@code System.err} while some code ran: in the tests, slf4j-simple writes each log line there
 * (it looks {@code System.err} up at every call), so this is how a test counts the warnings a registry logs.
 * Not thread-safe against other tests swapping {@code System.err} (Surefire runs the test classes one at a time).
 */
public final class Stderr {

    private Stderr() {
    }

    /** A step that may throw. */
    @FunctionalInterface
    public interface Step {
        void run() throws Exception;
    }

    /** Runs {@code step} and returns the lines it wrote to {@code System.err}. */
    public static List<String> linesDuring(Step step) throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            step.run();
        } finally {
            System.setErr(original);
        }
        return captured.toString(StandardCharsets.UTF_8).lines().toList();
    }
}
