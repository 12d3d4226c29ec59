package dev.beacon.registry.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a short-lived tool ({@code openssl}, {@code redis-cli}) to completion and returns what it printed. */
final class Subprocess {

    private Subprocess() {
    }

    /**
     * Runs {@code command} in {@code workDir}, stdout and stderr together.
     *
     * @throws IllegalStateException if it does not finish within {@code timeout} (it is then killed) or exits non-zero;
     *     the message holds the command and its output
     */
    static String run(Path workDir, Duration timeout, List<String> command) {
        Path output = null;
        try {
            output = Files.createTempFile(workDir, "subprocess-", ".out");
            Process process = new ProcessBuilder(command)
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .start();
            boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                process.destroyForcibly().waitFor();
            }
            String printed = Files.readString(output, StandardCharsets.UTF_8);
            if (!finished) {
                throw new IllegalStateException("'" + String.join(" ", command) + "' did not finish within "
                        + timeout.toSeconds() + " s and was killed; it printed:\n" + printed);
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("'" + String.join(" ", command) + "' exited with "
                        + process.exitValue() + "; it printed:\n" + printed);
            }
            return printed;
        } catch (IOException e) {
            throw new UncheckedIOException("could not run '" + String.join(" ", command) + "'", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running '" + String.join(" ", command) + "'", e);
        } finally {
            if (output != null) {
                try {
                    Files.deleteIfExists(output);
                } catch (IOException ignored) {
                    // a left-over file in a temp dir that is deleted as a whole later
                }
            }
        }
    }
}
