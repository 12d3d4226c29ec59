package dev.beacon.agent.detect;

import java.lang.ref.WeakReference;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.nio.channels.Channel;
import java.nio.channels.NetworkChannel;

/**
 * A TCP port the app listens on, with how it was found. A listener seen by a bind hook keeps a weak reference to its
 * socket so its closing is noticed; one found in {@code /proc} lives as long as later scans still list it.
 *
 * @param port    the local port
 * @param address the bound address (a wildcard for "all interfaces")
 * @param socket  the server socket or channel, weakly held; null when found by the {@code /proc} scan
 */
public record Listener(int port, InetAddress address, WeakReference<Object> socket) {

    /** Reads the bound address of a socket handed over by a hook; null if closed, unbound or not TCP. */
    public static Listener ofSocket(Object socket) {
        InetSocketAddress local = localAddress(socket);
        if (local == null || local.getPort() <= 0 || local.getAddress() == null) {
            return null;
        }
        return new Listener(local.getPort(), local.getAddress(), new WeakReference<>(socket));
    }

    public static Listener ofProc(ProcNetListeners.Listening listening) {
        return new Listener(listening.port(), listening.address(), null);
    }

    public boolean foundByHook() {
        return socket != null;
    }

    /** False once a hooked socket is closed or collected; always true for a {@code /proc} listener. */
    public boolean isOpen() {
        if (socket == null) {
            return true;
        }
        Object target = socket.get();
        if (target == null) {
            return false;
        }
        if (target instanceof ServerSocket serverSocket) {
            return !serverSocket.isClosed();
        }
        if (target instanceof Channel channel) {
            return channel.isOpen();
        }
        Object open = invoke(target, "isOpen");
        return !(open instanceof Boolean b) || b;
    }

    private static InetSocketAddress localAddress(Object socket) {
        try {
            SocketAddress local;
            if (socket instanceof NetworkChannel channel) {
                if (!channel.isOpen()) {
                    return null;
                }
                local = channel.getLocalAddress();
            } else if (socket instanceof ServerSocket serverSocket) {
                if (serverSocket.isClosed()) {
                    return null;
                }
                local = serverSocket.getLocalSocketAddress();
            } else {
                // Netty's io.netty.channel.unix.Socket (or a shaded copy): InetSocketAddress localAddress()
                local = (SocketAddress) invoke(socket, "localAddress");
            }
            return local instanceof InetSocketAddress inet ? inet : null;
        } catch (Exception | LinkageError e) {
            return null;
        }
    }

    private static Object invoke(Object target, String method) {
        try {
            Method m = target.getClass().getMethod(method);
            m.setAccessible(true);
            return m.invoke(target);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
