package dev.beacon.agent.lifecycle;

import dev.beacon.agent.config.AgentConfig;
import dev.beacon.agent.declared.BindStack;
import dev.beacon.agent.detect.Listener;
import dev.beacon.agent.detect.ProcNetListeners;
import dev.beacon.agent.logging.AgentLog;
import org.slf4j.Logger;

import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The app's listening ports, as the agent knows them: the sockets the bind hooks hand over (taken from the
 * {@link Handoff}), minus those closed since, plus those only the {@code /proc} scan finds (bound through JNI, or
 * before a late attach). Ports of the JVM's own remote management ({@code jvmOwnPorts}, JMX/RMI binds) and
 * {@code exclude-ports=} are never listeners, except the one {@code port=} forces.
 *
 * <p>The {@code /proc} scan runs every second until a listener is known, then every 10 s. A port whose hooked socket
 * just closed is not taken back from a scan for a second: the kernel may still list a socket while its close
 * completes, and taking it for a listener the hooks missed would keep the closed port registered until the next
 * scan. Not thread-safe: used on the agent's thread under its lock.
 */
final class ListenerTracker {

    private static final Logger log = AgentLog.get(ListenerTracker.class);
    static final long SCAN_UNTIL_FOUND_MILLIS = 1_000;
    static final long SCAN_PERIOD_MILLIS = 10_000;
    /** A hooked listener that neither accepts nor waits on a selector is registered after it stayed open this long. */
    static final long SERVING_GRACE_MILLIS = 500;

    private final Set<Integer> excludedPorts;
    private final ProcNetListeners proc;
    private final Map<Integer, Listener> listeners = new LinkedHashMap<>();
    private boolean foundByScanOnly;
    private final Map<Integer, Long> closedAt = new HashMap<>();
    private final Map<Integer, Long> boundAt = new HashMap<>();
    private final Map<Integer, String> roles = new HashMap<>();
    private final Set<Integer> serving = new HashSet<>();
    private final Map<Object, Boolean> servingSockets = new java.util.WeakHashMap<>();
    private final long servingGraceMillis;
    // monotonic time may be negative: "due at once" is Long.MIN_VALUE, not 0
    private long nextScanAt = Long.MIN_VALUE;

    ListenerTracker(AgentConfig config, Set<Integer> jvmOwnPorts, ProcNetListeners proc) {
        this(config, jvmOwnPorts, proc, SERVING_GRACE_MILLIS);
    }

    /** With {@code servingGraceMillis} instead of {@value #SERVING_GRACE_MILLIS} (0: every listener serves at once). */
    ListenerTracker(AgentConfig config, Set<Integer> jvmOwnPorts, ProcNetListeners proc, long servingGraceMillis) {
        this.servingGraceMillis = servingGraceMillis;
        this.excludedPorts = new HashSet<>(config.excludePorts());
        this.excludedPorts.addAll(jvmOwnPorts);
        config.port().ifPresent(this.excludedPorts::remove);
        this.proc = proc;
    }

    /** The listeners by port, in the order they were found (bind order for hooked sockets). Read-only view. */
    Map<Integer, Listener> listeners() {
        return Collections.unmodifiableMap(listeners);
    }

    /**
     * The listeners that may be registered at monotonic time {@code now}, by port in {@link #listeners()} order: those
     * that serve — the app accepts on them or registered them with a selector, Netty's native sockets (which listen
     * only to serve), those found by the {@code /proc} scan — and those that stayed open for the serving grace. A
     * socket bound only to learn a free port, and closed at once, is never among them. Read-only.
     */
    Map<Integer, Listener> serving(long now) {
        Map<Integer, Listener> ready = new LinkedHashMap<>();
        for (Listener listener : listeners.values()) {
            Long at = boundAt.get(listener.port());
            if (!listener.foundByHook() || serving.contains(listener.port()) || at == null
                    || now - at >= servingGraceMillis) {
                ready.put(listener.port(), listener);
            }
        }
        return Collections.unmodifiableMap(ready);
    }

    /** The role each hooked listener's binding stack gave it ({@code management}, {@code grpc}, ...), by port. */
    Map<Integer, String> roles() {
        return Collections.unmodifiableMap(roles);
    }

    /** Whether a hooked listener is still inside its serving grace at {@code now} (the loop checks again soon). */
    boolean waitingForServing(long now) {
        return serving(now).size() < listeners.size();
    }

    /**
     * Takes the sockets the hooks queued since the last call, at monotonic time {@code now}. A socket the JVM bound
     * for itself excludes its port from then on. A socket on a port whose previous hooked socket closed replaces it
     * (closed and bound again). A serving signal marks its socket's listener as serving (it may come before the bind:
     * Netty registers a channel with its selector first).
     *
     * @return whether the listeners changed
     */
    boolean takeBound(Handoff handoff, long now) {
        boolean changed = false;
        for (Object item; (item = handoff.poll()) != null; ) {
            if (item instanceof Handoff.Serving signal) {
                servingSockets.put(signal.socket(), Boolean.TRUE);
                for (Listener listener : listeners.values()) {
                    if (listener.socket() != null && listener.socket().get() == signal.socket()
                            && serving.add(listener.port())) {
                        changed = true;
                    }
                }
                continue;
            }
            Object socket = item;
            String role = null;
            if (item instanceof Handoff.Bound bound) {
                socket = bound.socket();
                role = bound.role();
                if (BindStack.JVM.equals(role)) {
                    socket = new Handoff.JvmOwned(socket);
                }
            }
            if (socket instanceof Handoff.JvmOwned owned) {
                Listener own = Listener.ofSocket(owned.socket());
                if (own != null && excludedPorts.add(own.port())) {
                    changed |= listeners.remove(own.port()) != null;
                    log.debug("port {} belongs to the JVM's remote management; never registered", own.port());
                }
                continue;
            }
            Listener listener = Listener.ofSocket(socket);
            if (listener == null || excludedPorts.contains(listener.port())) {
                continue;
            }
            Listener previous = listeners.get(listener.port());
            if (previous == null || !previous.foundByHook() || !previous.isOpen()) {
                listeners.put(listener.port(), listener);
                boundAt.put(listener.port(), now);
                serving.remove(listener.port());
                if (servingSockets.containsKey(socket) || !isJdkSocket(socket)) {
                    serving.add(listener.port()); // registered with its selector before the bind; or Netty native
                }
                if (role != null) {
                    roles.put(listener.port(), role);
                } else {
                    roles.remove(listener.port());
                }
                changed = true;
            }
        }
        return changed;
    }

    /**
     * Drops the hooked listeners whose socket is closed (or collected) at monotonic time {@code now}.
     *
     * @return whether the listeners changed
     */
    boolean dropClosed(long now) {
        boolean changed = false;
        for (var it = listeners.values().iterator(); it.hasNext(); ) {
            Listener listener = it.next();
            if (!listener.isOpen()) {
                it.remove();
                serving.remove(listener.port());
                boundAt.remove(listener.port());
                roles.remove(listener.port());
                closedAt.put(listener.port(), now);
                changed = true;
            }
        }
        return changed;
    }

    private static boolean isJdkSocket(Object socket) {
        return socket instanceof java.net.ServerSocket || socket instanceof java.nio.channels.NetworkChannel;
    }

    /** Whether a {@code /proc} scan is due at {@code now} (never where {@code /proc} is missing). */
    /**
     * True once after a scan found a listener the hooks had not handed over (bound through JNI, e.g. Netty's native
     * transports, whose classes may have loaded after the hooks were woven).
     */
    boolean takeFoundByScanOnly() {
        boolean found = foundByScanOnly;
        foundByScanOnly = false;
        return found;
    }

    boolean scanDue(long now) {
        return now >= nextScanAt && proc.available();
    }

    /**
     * Reconciles with the sockets {@code /proc} lists: adds those the hooks did not hand over, drops those found by
     * an earlier scan that are no longer listed, and schedules the next scan.
     *
     * @return whether the listeners changed
     */
    boolean reconcileWithProc(long now) {
        List<ProcNetListeners.Listening> listening = proc.scan();
        Set<Integer> ports = new HashSet<>();
        boolean changed = false;
        closedAt.values().removeIf(at -> now - at >= SCAN_UNTIL_FOUND_MILLIS);
        for (ProcNetListeners.Listening socket : listening) {
            ports.add(socket.port());
            if (!excludedPorts.contains(socket.port()) && !listeners.containsKey(socket.port())
                    && !closedAt.containsKey(socket.port())) {
                listeners.put(socket.port(), Listener.ofProc(socket));
                foundByScanOnly = true;
                changed = true;
            }
        }
        changed |= listeners.values().removeIf(l -> !l.foundByHook() && !ports.contains(l.port()));
        nextScanAt = now + (listeners.isEmpty() ? SCAN_UNTIL_FOUND_MILLIS : SCAN_PERIOD_MILLIS);
        return changed;
    }
}
