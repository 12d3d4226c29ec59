package dev.beacon.testing;

import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a test needs from the machine (a program, root, an IPv6 loopback, ...). Where it is missing the test is
 * skipped with the reason — unless {@code -D<property>=true} says this machine must have it, as {@code .ci/run}
 * does for everything CI can run: then it fails. So a developer's laptop skips what it cannot run, and CI never
 * silently skips anything.
 */
public final class Prerequisite {

    /** CI runs as root: tests that mount tmpfs or give a directory to another user must not skip there. */
    public static final String ROOT = "beacon.root.required";
    /** CI runs on Linux: tests of the real {@code /proc} must not skip there. */
    public static final String LINUX = "beacon.linux.required";
    /** CI has an IPv6 loopback: tests that listen on {@code ::1} must not skip there. */
    public static final String IPV6 = "beacon.ipv6.required";

    private Prerequisite() {
    }

    /** Returns if {@code met}; else skips (or, when {@code -D<property>=true}, fails) with {@code reason}. */
    public static void require(boolean met, String reason, String property) {
        if (!met) {
            throw missing(reason, property);
        }
    }

    /**
     * The exception that skips the test, or — thrown here — the failure when {@code -D<property>=true}; returned so
     * that callers write {@code throw missing(...)} and the compiler knows the call does not return.
     */
    public static RuntimeException missing(String reason, String property) {
        if (Boolean.getBoolean(property)) {
            throw new AssertionFailedError(reason + ", and -D" + property + "=true makes that a failure");
        }
        return new TestAbortedException(reason + "; skipped (set -D" + property + "=true to fail instead)");
    }

    /** Skips (or fails under {@link #ROOT}) unless this JVM runs as root; {@code what} says what needs it. */
    public static void requireRoot(String what) throws IOException {
        Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        require(Integer.valueOf(0).equals(uid), what + " needs root; this runs as uid " + uid, ROOT);
    }

    /** Skips (or fails under {@link #IPV6}) unless a socket can listen on {@code ::1}. */
    public static void requireIpv6Loopback(String what) {
        String problem = null;
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName("::1"), 0));
        } catch (IOException | RuntimeException e) {
            problem = e.toString();
        }
        require(problem == null, what + " needs an IPv6 loopback (::1), which this machine lacks: " + problem, IPV6);
    }
}
