package dev.beacon.agent.declared;

import java.util.Locale;

/**
 * What bound a server socket, told from the class names in the binding thread's stack: the JVM's own remote
 * management ({@link #JVM}), a component whose name says it is not the app's own service port — a management
 * context, an admin server, a JMX exporter, a debug or controller listener — or a gRPC server. The frame nearest the
 * bind that says something wins.
 *
 * <p>The bind hook runs on the app's thread, often its main thread: there it only records the stack (a
 * {@code Throwable}, about 30 µs), and the agent's thread reads the frames later ({@link #of}). Walking the stack on
 * the app's thread instead ({@code StackWalker}) cost 7 to 11 ms at the first bind of a JVM, on the app's critical
 * path. Uses no lambda.
 */
public final class BindStack {

    /** The role of a socket the JVM bound for itself: its port is never registered. */
    public static final String JVM = "jvm";
    /** How many frames are looked at: deep enough for a Spring Boot child context's Tomcat. */
    static final int MAX_FRAMES = 256;

    private BindStack() {
    }

    /** The role {@code frames} (a binding thread's stack, innermost first) give a bind, or null when they say nothing. */
    public static String of(StackTraceElement[] frames) {
        for (int i = 0; i < frames.length && i < MAX_FRAMES; i++) {
            String role = roleOf(frames[i].getClassName());
            if (role != null) {
                return role;
            }
        }
        return null;
    }

    /** The role one frame's class gives a bind, or null; the agent's own frames say nothing. */
    public static String roleOf(String className) {
        if (className.startsWith("dev.beacon.agent.") || className.startsWith("java.")
                || className.startsWith("sun.nio.") || className.startsWith("jdk.internal.reflect.")) {
            return null;
        }
        if (className.startsWith("sun.rmi.") || className.startsWith("jdk.internal.agent.")
                || className.startsWith("sun.management.jmxremote.") || className.startsWith("javax.management.remote.")) {
            return JVM;
        }
        if (className.startsWith("io.grpc.")) {
            return "grpc";
        }
        String simple = className.substring(className.lastIndexOf('.') + 1);
        String lower = className.toLowerCase(Locale.ROOT);
        if (lower.contains("actuat") || lower.contains("management") || lower.contains("jolokia")) {
            return "management";
        }
        if (lower.contains("jmx")) {
            return "jmx";
        }
        if (lower.contains("debug") || lower.contains("jdwp")) {
            return "debug";
        }
        if (simple.contains("Admin")) {
            return "admin";
        }
        if (simple.contains("Controller")) {
            return "controller";
        }
        return null;
    }

    /** Whether a port under this name or role is a side port, never the primary while an app port listens. */
    public static boolean isSidePort(String role) {
        return role != null && (role.equals("management") || role.equals("admin") || role.equals("jmx")
                || role.equals("debug") || role.equals("controller"));
    }
}
