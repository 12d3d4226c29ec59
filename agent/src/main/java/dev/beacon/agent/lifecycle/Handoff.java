package dev.beacon.agent.lifecycle;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * What the hooks hand over to the agent's thread: the server sockets the app binds, the closing of a server socket,
 * and the start of the JVM's shutdown. It exists before the agent is configured — premain creates it, installs the
 * hooks, and leaves everything else to the agent's thread — so binds made while the agent is still starting are
 * kept, and a shutdown that comes first is remembered.
 *
 * <p>{@link #accept(Object)} and the {@link #closeSignal()} run on the app's threads: they only queue and wake the
 * agent's thread (no I/O, no lock, nothing that throws). The classes here use no lambdas: premain must not pay for
 * the JDK's lambda machinery on the app's main thread.
 */
public final class Handoff implements Consumer<Object> {

    private final ConcurrentLinkedQueue<Object> bound = new ConcurrentLinkedQueue<>();
    private final Runnable shutdownSignal = new ShutdownSignal();
    private final Consumer<Object> closeSignal = new CloseSignal();
    private volatile Thread consumer;
    private volatile boolean closed;
    private AgentLoop loop; // guarded by this
    private boolean shutdownRequested; // guarded by this

    /** A socket the JVM bound for itself (JMX/RMI): its port is excluded, never registered. */
    record JvmOwned(Object socket) {
    }

    /** Queues a bound server socket or channel and wakes the agent's thread. Never throws; called on the app's thread. */
    @Override
    public void accept(Object socket) {
        if (closed || socket == null) {
            return;
        }
        bound.add(boundByJvmItself() ? new JvmOwned(socket) : socket);
        wakeUp();
    }

    /** What the shutdown hooks run: the loop's {@link AgentLoop#shutdown()}, or a note for a loop to come. */
    public Runnable shutdownSignal() {
        return shutdownSignal;
    }

    /**
     * What the close hooks call with a server socket or channel that was just closed (on the app's thread): wakes the
     * agent's thread, which finds the closed listener and deregisters it at once rather than at its next tick.
     */
    public Consumer<Object> closeSignal() {
        return closeSignal;
    }

    /** The thread to wake on each bind and close: the agent's thread. */
    public void consumer(Thread thread) {
        this.consumer = thread;
    }

    /**
     * Waits until the app has bound a socket, the JVM shuts down, or {@code maxMillis} have passed. Called on the
     * agent's thread before it loads anything, so that the agent stays out of the app's way while the app starts.
     */
    public void awaitFirstBind(long maxMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxMillis);
        for (long left; bound.isEmpty() && !shutdownRequested() && (left = deadline - System.nanoTime()) > 0; ) {
            LockSupport.parkNanos(this, left);
        }
    }

    /**
     * Connects the loop that takes the queued sockets. False if the JVM already began to shut down: the loop must
     * not start then.
     */
    public synchronized boolean attach(AgentLoop target) {
        if (shutdownRequested) {
            return false;
        }
        this.loop = target;
        return true;
    }

    /** Stops queueing (the agent is disabled): the hooks stay woven but only return. */
    public void close() {
        closed = true;
        bound.clear();
    }

    Object poll() {
        return bound.poll();
    }

    private synchronized boolean shutdownRequested() {
        return shutdownRequested;
    }

    private void wakeUp() {
        Thread t = consumer;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /**
     * True when the bind comes from the JVM's own remote management (the JMX connector's RMI registry and server),
     * which must never be registered as the app. Binds are rare, so walking the caller's stack is cheap enough.
     */
    static boolean boundByJvmItself() {
        return StackWalker.getInstance().walk(JvmManagementFrames.INSTANCE);
    }

    private final class CloseSignal implements Consumer<Object> {
        @Override
        public void accept(Object socket) {
            if (!closed) {
                wakeUp(); // the agent's next step checks every hooked listener: no need to say which one closed
            }
        }
    }

    private final class ShutdownSignal implements Runnable {
        @Override
        public void run() {
            AgentLoop target;
            synchronized (Handoff.this) {
                shutdownRequested = true;
                target = loop;
            }
            wakeUp();
            if (target != null) {
                target.shutdown();
            }
        }
    }

    /** Looks for a frame of the JDK's remote management among the first 64 of a bind's stack. */
    private enum JvmManagementFrames implements java.util.function.Function<java.util.stream.Stream<StackWalker.StackFrame>,
            Boolean> {
        INSTANCE;

        @Override
        public Boolean apply(java.util.stream.Stream<StackWalker.StackFrame> frames) {
            java.util.Iterator<StackWalker.StackFrame> it = frames.limit(64).iterator();
            while (it.hasNext()) {
                String type = it.next().getClassName();
                if (type.startsWith("sun.rmi.") || type.startsWith("jdk.internal.agent.")
                        || type.startsWith("sun.management.jmxremote.") || type.startsWith("javax.management.remote.")) {
                    return true;
                }
            }
            return false;
        }
    }
}
