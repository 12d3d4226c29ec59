package dev.beacon.agent.instrument.bridge;

import java.util.function.Consumer;

/**
 * The hand-off from instrumented JDK code to the agent. Not used under this name: {@code BindHooks} renames a copy
 * of this class to {@code sun.nio.ch.BeaconBridge} and defines it inside {@code java.base}, where the instrumented
 * {@code bind} methods and {@code ApplicationShutdownHooks} can see it (they cannot see the agent's classes). It
 * references {@code java.base} types only. Its two fields are the agent's one documented piece of mutable static
 * state; the calls woven into the JDK never throw.
 */
public final class BeaconBridge {

    /** Receives every bound server socket or channel. */
    public static volatile Consumer<Object> onBind;

    /** Runs once at the start of the JVM's application shutdown hooks. */
    public static volatile Runnable onShutdown;

    private BeaconBridge() {
    }

    /** Woven at the exits of the server sockets' {@code bind} methods. */
    public static void bound(Object socket) {
        Consumer<Object> listener = onBind;
        if (listener != null) {
            try {
                listener.accept(socket);
            } catch (Throwable ignored) {
                // never disturb the app's bind
            }
        }
    }

    /** Woven at the entry of {@code java.lang.ApplicationShutdownHooks#runHooks}. */
    public static void shuttingDown() {
        Runnable listener = onShutdown;
        if (listener != null) {
            try {
                listener.run();
            } catch (Throwable ignored) {
                // never stop the app's shutdown
            }
        }
    }
}
