package dev.beacon.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A child JVM whose output lines are collected as they come, for the integration tests of every module (shared
 * through core's test jar).
 */
public final class JavaProcess implements AutoCloseable {

    private final Process process;
    private final List<String> out = new CopyOnWriteArrayList<>();
    private final List<String> err = new CopyOnWriteArrayList<>();
    private final String description;
    private final Thread outPump;
    private final Thread errPump;

    private JavaProcess(Process process, String description) {
        this.process = process;
        this.description = description;
        outPump = pump(process.getInputStream(), out);
        errPump = pump(process.getErrorStream(), err);
    }

    /** Starts {@code <java> args...}. */
    public static JavaProcess start(Path java, List<String> args) throws IOException {
        return start(java, args, null);
    }

    /** Starts {@code <java> args...} in {@code directory} (null: this process's working directory). */
    public static JavaProcess start(Path java, List<String> args, Path directory) throws IOException {
        return start(java, args, directory, Map.of());
    }

    /**
     * Starts {@code <java> args...} in {@code directory} (null: this process's working directory) with
     * {@code environment} added to the environment (after the {@code BEACON_*} variables of this process are removed).
     */
    public static JavaProcess start(Path java, List<String> args, Path directory,
                                    Map<String, String> environment) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(java.toString());
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command);
        if (directory != null) {
            builder.directory(directory.toFile());
        }
        builder.environment().keySet().removeIf(key -> key.startsWith("BEACON_") || key.equals("JAVA_TOOL_OPTIONS"));
        builder.environment().putAll(environment);
        return new JavaProcess(builder.start(), String.join(" ", command));
    }

    /** Runs {@code <java> args...} to completion (at most {@code timeout}). */
    public static Result run(Path java, List<String> args, Duration timeout) throws Exception {
        try (JavaProcess p = start(java, args)) {
            if (!p.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("timed out after " + timeout + ": " + p.description);
            }
            p.drain();
            return new Result(p.process.exitValue(), String.join("\n", p.out), String.join("\n", p.err));
        }
    }

    public record Result(int exitCode, String out, String err) {
    }

    private static Thread pump(InputStream stream, List<String> lines) {
        Thread thread = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                for (String line; (line = reader.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // process ended
            }
        }, "pump");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** Waits for a stdout line matching {@code regex}; returns its first group (or the whole line). */
    public String awaitOut(String regex, Duration timeout) throws InterruptedException {
        Pattern pattern = Pattern.compile(regex);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (String line : out) {
                Matcher matcher = pattern.matcher(line);
                if (matcher.find()) {
                    return matcher.groupCount() > 0 ? matcher.group(1) : line;
                }
            }
            if (!process.isAlive() && System.nanoTime() > deadline - timeout.toNanos() / 2) {
                break;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no line matching /" + regex + "/ within " + timeout + " from " + description
                + "\nstdout:\n" + String.join("\n", out) + "\nstderr:\n" + String.join("\n", err));
    }

    public long pid() {
        return process.pid();
    }

    public Process process() {
        return process;
    }

    public List<String> stdout() {
        return out;
    }

    public List<String> stderr() {
        return err;
    }

    /** SIGTERM, then waits for the exit. */
    public int terminate(Duration timeout) throws InterruptedException {
        // Through the handle: Process.destroy() would also close our end of the pipes, losing what the app's
        // shutdown hooks print.
        process.toHandle().destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("did not exit within " + timeout + " after SIGTERM: " + description);
        }
        drain();
        return process.exitValue();
    }

    /** SIGKILL. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** Waits until both output streams reached their end (the process has exited). */
    private void drain() throws InterruptedException {
        outPump.join(10_000);
        errPump.join(10_000);
    }

    public String describe() {
        return description + "\nstdout:\n" + String.join("\n", out) + "\nstderr:\n" + String.join("\n", err);
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
