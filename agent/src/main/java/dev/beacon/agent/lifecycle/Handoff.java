package dev.beacon.agent.lifecycle;

import dev.beacon.agent.declared.BindStack;

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

    /**
     * A socket the app bound, with the stack that bound it, recorded on the app's thread and read on the agent's
     * ({@link BindStack}).
     */
    record Bound(Object socket, Throwable site) {
        /** The role the binding stack gives the socket ({@link BindStack}; null: none). */
        String role() {
            return BindStack.of(site.getStackTrace());
        }
    }

    /** A server socket the app accepts on or registers with a selector: it serves. */
    record Serving(Object socket) {
    }

    /** Server sockets already signalled as serving, so that each accept after the first costs one lookup. */
    private final java.util.Map<Object, Boolean> signalled = new java.util.WeakHashMap<>();
    private final Consumer<Object> servingSignal = new ServingSignal();

    /** Queues a bound server socket or channel and wakes the agent's thread. Never throws; called on the app's thread. */
    @Override
    public void accept(Object socket) {
        if (closed || socket == null) {
            return;
        }
        bound.add(new Bound(socket, new Throwable("bound here"))); // the frames are read on the agent's thread
        wakeUp();
    }

    /**
     * What the accept and selector-registration hooks call with the channel or socket (on the app's thread): a server
     * socket that the app accepts on, or registers with a selector, serves. Only the first signal per socket is
     * queued; later ones (one per accepted connection) cost a lookup.
     */
    public Consumer<Object> servingSignal() {
        return servingSignal;
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

    private final class ServingSignal implements Consumer<Object> {
        @Override
        public void accept(Object socket) {
            if (closed || !(socket instanceof java.nio.channels.ServerSocketChannel
                    || socket instanceof java.net.ServerSocket
                    || socket instanceof java.nio.channels.AsynchronousServerSocketChannel)) {
                return;
            }
            synchronized (signalled) {
                if (signalled.put(socket, Boolean.TRUE) != null) {
                    return;
                }
            }
            bound.add(new Serving(socket));
            wakeUp();
        }
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
}
