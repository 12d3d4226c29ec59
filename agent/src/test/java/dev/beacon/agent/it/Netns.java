package dev.beacon.agent.it;

import dev.beacon.testing.Prerequisite;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Linux network namespace made with iproute2 ({@code ip netns}), for tests that need a host with several network
 * cards. Needs root. The file system stays shared, so a file registry in a temporary directory is seen from both
 * sides. {@link #close()} deletes the namespace and with it every interface made inside it.
 */
final class Netns implements AutoCloseable {

    /** Set to {@code true} (CI does) to fail instead of skipping when network namespaces are unavailable. */
    static final String REQUIRED_PROPERTY = "beacon.netns.required";

    private static final String PREFIX = "beacon-it-";
    private static final Pattern OURS = Pattern.compile("^" + PREFIX + "(\\d+)(?:-\\S*)?");

    private final String name;
    private boolean deleted;

    private Netns(String name) {
        this.name = name;
    }

    /**
     * Creates the namespace {@code beacon-it-<this pid>-<suffix>}, with loopback up, after deleting the namespaces
     * left behind by earlier test JVMs that were killed before their cleanup ran.
     *
     * @throws org.opentest4j.TestAbortedException if this is not root on Linux with {@code ip netns}, and
     *     {@value #REQUIRED_PROPERTY} is not {@code true}
     * @throws org.opentest4j.AssertionFailedError if so, and it is
     */
    static Netns create(String suffix) {
        if (!isRoot()) {
            throw unavailable("this test JVM does not run as root (user " + System.getProperty("user.name") + ")");
        }
        deleteLeftovers();
        Netns netns = new Netns(PREFIX + ProcessHandle.current().pid() + "-" + suffix);
        Result added = run(List.of("ip", "netns", "add", netns.name));
        if (added.exitCode() != 0) {
            throw unavailable("'ip netns add " + netns.name + "' failed: " + added.output());
        }
        netns.ip("link", "set", "lo", "up");
        return netns;
    }

    String name() {
        return name;
    }

    /** Runs {@code ip -n <name> args...}; fails the test, with ip's message, when it fails. */
    Netns ip(String... args) {
        List<String> command = new ArrayList<>(List.of("ip", "-n", name));
        command.addAll(List.of(args));
        Result result = run(command);
        if (result.exitCode() != 0) {
            throw new AssertionError("'" + String.join(" ", command) + "' failed (exit " + result.exitCode() + "): "
                    + result.output());
        }
        return this;
    }

    /**
     * Waits until interface {@code device} has a carrier (a bridge gets one a moment after its first port comes up);
     * until then the JVM does not list it as up.
     */
    Netns awaitCarrier(String device) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        String state = "";
        while (System.nanoTime() < deadline) {
            state = run(List.of("ip", "-n", name, "-o", "link", "show", "dev", device)).output();
            if (state.contains("LOWER_UP") && !state.contains("NO-CARRIER")) {
                return this;
            }
            Thread.sleep(20);
        }
        throw new AssertionError(device + " in namespace " + name + " has no carrier after 10 s: " + state);
    }

    /** The program and arguments that run {@code command} inside this namespace: pass to a process builder. */
    List<String> exec(List<String> command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name));
        full.addAll(command);
        return full;
    }

    /** Deletes the namespace and its interfaces; idempotent. */
    @Override
    public void close() {
        if (!deleted) {
            deleted = true;
            Result result = run(List.of("ip", "netns", "del", name));
            if (result.exitCode() != 0) {
                throw new AssertionError("'ip netns del " + name + "' failed: " + result.output());
            }
        }
    }

    private static boolean isRoot() {
        try {
            // /proc/self links to this process's directory, which belongs to its real user
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false;
        }
    }

    private static void deleteLeftovers() {
        Result list = run(List.of("ip", "netns", "list"));
        if (list.exitCode() != 0) {
            throw unavailable("'ip netns list' failed: " + list.output());
        }
        for (String line : list.output().split("\n")) {
            Matcher ours = OURS.matcher(line.strip());
            if (ours.find() && ProcessHandle.of(Long.parseLong(ours.group(1))).isEmpty()) {
                run(List.of("ip", "netns", "del", ours.group().strip()));
            }
        }
    }

    private static RuntimeException unavailable(String reason) {
        String needs = "It needs Linux, root and iproute2's 'ip netns' (Debian: apt-get install iproute2).";
        return Prerequisite.missing("network namespaces are unavailable: " + reason + " (" + needs + ")",
                REQUIRED_PROPERTY);
    }

    private record Result(int exitCode, String output) {
    }

    private static Result run(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new Result(-1, "timed out after 30 s");
            }
            return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8).strip());
        } catch (IOException e) {
            return new Result(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
    }
}
