package dev.beacon.agent.instrument;

import java.util.function.Consumer;

/**
 * The hand-off from Netty's (app-loaded) {@code Socket#listen} to the agent. Netty's classes cannot see the bridge
 * inside {@code java.base}, but they see this class, which lives in the agent jar on the system class path. Set once
 * by {@link BindHooks}.
 */
public final class NettyBridge {

    private static volatile Consumer<Object> onListen;

    private NettyBridge() {
    }

    static void install(Consumer<Object> listener) {
        onListen = listener;
    }

    /** Woven at the exits of {@code io.netty.channel.unix.Socket#listen(int)}; never throws. */
    public static void listened(Object socket) {
        Consumer<Object> listener = onListen;
        if (listener != null) {
            try {
                listener.accept(socket);
            } catch (Throwable ignored) {
                // never disturb the event loop
            }
        }
    }
}
