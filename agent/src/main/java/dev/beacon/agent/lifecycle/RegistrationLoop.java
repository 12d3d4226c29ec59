package dev.beacon.agent.lifecycle;

import dev.beacon.ServiceInstance;
import dev.beacon.agent.config.AgentConfig;
import dev.beacon.agent.detect.AdvertisedAddress;
import dev.beacon.agent.detect.Listener;
import dev.beacon.agent.detect.ProcNetListeners;
import dev.beacon.agent.logging.AgentLog;
import dev.beacon.registry.RegistryUris;
import dev.beacon.registry.ServiceRegistry;
import org.slf4j.Logger;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The agent's one thread: turns the listeners the hooks hand over into a registration, keeps it alive, and removes
 * it when the app stops listening or shuts down.
 *
 * <ul>
 *   <li>{@link #onBind(Object)} runs on the app's thread and only queues the socket;</li>
 *   <li>every tick (at most 250 ms) the loop reads the queue, drops closed sockets, reconciles with {@code /proc}
 *       (each second until something is found, then every 10 s), registers or updates the instance, and renews it
 *       every heartbeat; a renewal that reports the lease lost registers again;</li>
 *   <li>registry failures back off exponentially with jitter, capped at the heartbeat interval, with one warning
 *       when the registry becomes unreachable, one a minute while it stays so, and one line when it is back;</li>
 *   <li>with {@code health=}, the instance is registered {@code STARTING} and its status follows the
 *       {@link SelfCheck}'s probes (which run on their own thread): each change is registered at once;</li>
 *   <li>{@link #shutdown()} runs on the JVM's shutdown thread before the app's own hooks: it deregisters, then
 *       waits the drain period.</li>
 * </ul>
 */
public final class RegistrationLoop implements Runnable {

    private static final Logger log = AgentLog.get(RegistrationLoop.class);
    private static final long TICK_MILLIS = 250;
    private static final long SCAN_UNTIL_FOUND_MILLIS = 1_000;
    private static final long SCAN_PERIOD_MILLIS = 10_000;
    private static final long REPEAT_WARNING_MILLIS = 60_000;
    private static final long SHUTDOWN_LOCK_MILLIS = 2_000;

    private final AgentConfig config;
    private final Supplier<ServiceRegistry> registryFactory;
    private final Set<Integer> excludedPorts;
    private final String instanceId;
    private final ProcNetListeners proc;
    private final SelfCheck selfCheck;
    private final Handoff handoff;
    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicBoolean shutdownStarted = new AtomicBoolean();
    private volatile boolean stopping;
    private volatile Thread thread;

    // State below is guarded by lock.
    private ServiceRegistry registry;
    private final Map<Integer, Listener> listeners = new LinkedHashMap<>();
    /** Ports whose hooked socket closed recently (monotonic ms): not taken back from a /proc scan right away. */
    private final Map<Integer, Long> closedAt = new java.util.HashMap<>();
    private ServiceInstance registered;
    private ServiceInstance lastAnnounced;
    private String addressReason = "";
    private String addressMissed = "";
    private final dev.beacon.agent.detect.Cidr network;
    private InetAddress chosenFor;
    private AdvertisedAddress.Choice chosen;
    private boolean warnedLoopback;
    private long nextHeartbeatAt;
    // Monotonic time may be negative (System.nanoTime's origin is arbitrary): "no deadline" is Long.MIN_VALUE, not 0.
    private long nextAttemptAt = Long.MIN_VALUE;
    private long nextScanAt = Long.MIN_VALUE;
    private long lastWarningAt;
    private final Backoff backoff;

    public RegistrationLoop(AgentConfig config, Supplier<ServiceRegistry> registryFactory, Set<Integer> jvmOwnPorts,
                            String instanceId, ProcNetListeners proc) {
        this(config, registryFactory, jvmOwnPorts, instanceId, proc, SelfCheck.of(config), new Handoff());
    }

    /** Taking the sockets the hooks queued in {@code handoff} since premain. */
    public RegistrationLoop(AgentConfig config, Supplier<ServiceRegistry> registryFactory, Set<Integer> jvmOwnPorts,
                            String instanceId, ProcNetListeners proc, Handoff handoff) {
        this(config, registryFactory, jvmOwnPorts, instanceId, proc, SelfCheck.of(config), handoff);
    }

    /** With a given self-check (tests: a fake check on the calling thread). */
    RegistrationLoop(AgentConfig config, Supplier<ServiceRegistry> registryFactory, Set<Integer> jvmOwnPorts,
                     String instanceId, ProcNetListeners proc, SelfCheck selfCheck) {
        this(config, registryFactory, jvmOwnPorts, instanceId, proc, selfCheck, new Handoff());
    }

    private RegistrationLoop(AgentConfig config, Supplier<ServiceRegistry> registryFactory, Set<Integer> jvmOwnPorts,
                             String instanceId, ProcNetListeners proc, SelfCheck selfCheck, Handoff handoff) {
        this.handoff = Objects.requireNonNull(handoff, "handoff");
        this.config = Objects.requireNonNull(config, "config");
        this.registryFactory = Objects.requireNonNull(registryFactory, "registryFactory");
        this.network = config.network().map(dev.beacon.agent.detect.Cidr::parse).orElse(null);
        this.excludedPorts = new java.util.HashSet<>(config.excludePorts());
        this.excludedPorts.addAll(jvmOwnPorts);
        config.port().ifPresent(this.excludedPorts::remove);
        this.instanceId = instanceId;
        this.proc = proc;
        this.backoff = new Backoff(Math.min(200, config.heartbeat().toMillis()), config.heartbeat().toMillis());
        this.selfCheck = selfCheck;
    }

    private volatile dev.beacon.agent.instrument.BindHooks.Installed hooks;

    /** Records what the hook installation did; reported from the agent's thread. */
    public void hooksInstalled(dev.beacon.agent.instrument.BindHooks.Installed installed) {
        this.hooks = installed;
    }

    /** Hands over a bound server socket or channel. Called on the app's thread: queues it and returns. */
    public void onBind(Object socket) {
        if (!stopping) {
            handoff.accept(socket);
        }
    }

    private void wakeUp() {
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /** Opens the registry; false (and one error line) if it cannot be opened. */
    boolean openRegistry() {
        try {
            lock.lock();
            try {
                registry = registryFactory.get();
            } finally {
                lock.unlock();
            }
            return true;
        } catch (RuntimeException e) {
            log.error("cannot open registry {}; the agent is disabled, the application runs without it",
                    RegistryUris.mask(config.registry()), e);
            return false;
        }
    }

    /** Runs the loop on the calling thread (the agent's thread) until {@link #shutdown()}. */
    @Override
    public void run() {
        thread = Thread.currentThread();
        handoff.consumer(thread);
        if (stopping || !openRegistry()) {
            return;
        }
        if (selfCheck.enabled()) {
            selfCheck.onResult(this::wakeUp); // here, not in the constructor: premain creates no lambda for it
        }
        dev.beacon.agent.instrument.BindHooks.Installed installed = hooks;
        if (installed != null) {
            installed.failures().forEach(f -> log.warn("cannot instrument {}; its listeners are found by the "
                    + "/proc scan only", f));
            log.debug("hooks installed; retransformed {}", installed.retransformed());
        }
        while (!stopping) {
            try {
                lock.lock();
                try {
                    if (!stopping) {
                        step(System.nanoTime() / 1_000_000);
                    }
                } finally {
                    lock.unlock();
                }
            } catch (Throwable t) {
                log.warn("unexpected failure; carrying on", t);
            }
            LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(
                    Math.min(TICK_MILLIS, config.heartbeat().toMillis())));
            if (Thread.interrupted() && stopping) {
                break;
            }
        }
    }

    /** One pass of the loop; {@code now} is monotonic milliseconds. Does nothing once {@link #shutdown()} began. */
    void step(long now) {
        if (stopping) {
            return;
        }
        boolean changed = takeBound();
        changed |= dropClosed(now);
        if (proc.available() && now >= nextScanAt) {
            changed |= reconcileWithProc(now);
            chosen = null; // interfaces may have changed: choose the address again
            nextScanAt = now + (listeners.isEmpty() ? SCAN_UNTIL_FOUND_MILLIS : SCAN_PERIOD_MILLIS);
        }
        ServiceInstance desired = desiredInstance();
        if (registered != null && desired != null) {
            selfCheck.probeIfDue(now, probeTarget(desired));
        }
        if (registered != null && selfCheck.takeResult(registered)) {
            desired = desiredInstance();
        }
        if (now < nextAttemptAt) {
            return;
        }
        try {
            if (!Objects.equals(desired, registered)) {
                boolean wasRegistered = registered != null;
                apply(desired);
                if (!wasRegistered) {
                    selfCheck.registered(now);
                } else if (registered == null) {
                    selfCheck.deregistered();
                }
                nextHeartbeatAt = now + config.heartbeat().toMillis();
            } else if (registered != null && now >= nextHeartbeatAt) {
                if (!registry.renew(registered.service(), registered.id())) {
                    registry.register(registered, config.ttl());
                    log.info("lease of {} was lost (expired, or the registry was emptied); registered again",
                            registered.id());
                }
                nextHeartbeatAt = now + config.heartbeat().toMillis();
            }
            if (backoff.failures() > 0) {
                log.info("registry {} is reachable again after {} failed attempts",
                        RegistryUris.mask(config.registry()), backoff.failures());
                backoff.reset();
            }
            nextAttemptAt = Long.MIN_VALUE;
        } catch (RuntimeException e) {
            long delay = backoff.nextDelayMillis();
            nextAttemptAt = now + delay;
            if (backoff.failures() == 1 || now - lastWarningAt >= REPEAT_WARNING_MILLIS) {
                lastWarningAt = now;
                log.warn("registry {} is unavailable ({} failed attempts); the app keeps running, retrying with "
                        + "backoff up to {} ms", RegistryUris.mask(config.registry()), backoff.failures(),
                        config.heartbeat().toMillis(), e);
            } else {
                log.debug("registry still unavailable; next attempt in {} ms", delay, e);
            }
        }
        if (changed) {
            log.debug("listeners now {}", listeners.keySet());
        }
    }

    private void apply(ServiceInstance desired) {
        if (desired == null) {
            ServiceInstance old = registered;
            registry.deregister(old.service(), old.id());
            registered = null;
            log.info("deregistered service={} id={}: the app no longer listens on {}", old.service(), old.id(),
                    old.port());
            return;
        }
        registry.register(desired, config.ttl());
        registered = desired;
        if (lastAnnounced == null || !lastAnnounced.host().equals(desired.host())) {
            log.info("advertising {}: {}", desired.host(), addressReason);
            if (!addressMissed.isEmpty()) {
                log.warn("{}: advertising {} by the default rule instead; check the setting", addressMissed,
                        desired.host());
            }
            if (isLoopback(desired.host()) && !warnedLoopback && spansHosts(config.registry())) {
                warnedLoopback = true;
                log.warn("the app only listens on a loopback address ({}); other machines sharing registry {} cannot "
                        + "reach it: bind it to a reachable address or set host=", desired.address(),
                        RegistryUris.mask(config.registry()));
            }
        }
        if (lastAnnounced == null || lastAnnounced.port() != desired.port()
                || !lastAnnounced.host().equals(desired.host()) || !lastAnnounced.ports().equals(desired.ports())) {
            log.info("registered service={} id={} at {}{} in {} (ttl {} ms, heartbeat {} ms){}", desired.service(),
                    desired.id(), desired.address(), desired.ports().isEmpty() ? "" : " ports " + desired.ports(),
                    RegistryUris.mask(config.registry()), config.ttl().toMillis(), config.heartbeat().toMillis(),
                    selfCheck.enabled() ? " as " + desired.status() + "; health " + selfCheck.describe() : "");
        }
        lastAnnounced = desired;
    }

    private static boolean isLoopback(String host) {
        String h = host.toLowerCase(java.util.Locale.ROOT);
        return h.startsWith("127.") || h.equals("::1") || h.equals("[::1]") || h.equals("0:0:0:0:0:0:0:1")
                || h.equals("localhost");
    }

    /**
     * True when the registry can be shared with other machines: a Redis registry with at least one host that is not
     * a loopback address. (A file or memory registry, or a Redis on this machine's loopback, is this machine's own.)
     */
    static boolean spansHosts(String registryUri) {
        try {
            return dev.beacon.registry.Registries.hosts(registryUri).stream().anyMatch(host -> !isLoopback(host));
        } catch (IllegalArgumentException unparsable) {
            return true; // cannot tell: warn, as before this check existed
        }
    }

    private boolean takeBound() {
        boolean changed = false;
        for (Object socket; (socket = handoff.poll()) != null; ) {
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
            // a closed previous socket is replaced: the port was closed and bound again since the last step
            if (previous == null || !previous.foundByHook() || !previous.isOpen()) {
                listeners.put(listener.port(), listener);
                changed = true;
            }
        }
        return changed;
    }

    private boolean dropClosed(long now) {
        boolean changed = false;
        for (var it = listeners.values().iterator(); it.hasNext(); ) {
            Listener listener = it.next();
            if (!listener.isOpen()) {
                it.remove();
                closedAt.put(listener.port(), now);
                changed = true;
            }
        }
        return changed;
    }

    private boolean reconcileWithProc(long now) {
        List<ProcNetListeners.Listening> listening = proc.scan();
        Set<Integer> ports = new java.util.HashSet<>();
        boolean changed = false;
        closedAt.values().removeIf(at -> now - at >= SCAN_UNTIL_FOUND_MILLIS);
        for (ProcNetListeners.Listening socket : listening) {
            ports.add(socket.port());
            // A socket the app just closed can still be listed while its close completes; taking it for a listener
            // the hooks missed would keep it registered until the next scan. It counts again from the next scan.
            if (!excludedPorts.contains(socket.port()) && !listeners.containsKey(socket.port())
                    && !closedAt.containsKey(socket.port())) {
                listeners.put(socket.port(), Listener.ofProc(socket));
                changed = true;
            }
        }
        changed |= listeners.values().removeIf(l -> !l.foundByHook() && !ports.contains(l.port()));
        return changed;
    }

    /**
     * The listener whose port is registered; null if none. The rule, first match wins: {@code port=}; the first port
     * named by {@code ports=} (then Spring Boot's {@code server.port}) that listens; the first listener, in bind
     * order, that is not bound to a loopback address; a loopback-only listener, only when there is no other.
     */
    private Listener primary() {
        if (listeners.isEmpty()) {
            return null;
        }
        List<Listener> ordered = new ArrayList<>(listeners.values());
        if (config.port().isPresent()) {
            int forced = config.port().getAsInt();
            return ordered.stream().filter(l -> l.port() == forced).findFirst()
                    .orElse(new Listener(forced, ordered.get(0).address(), null));
        }
        for (int named : config.namedPorts().values()) {
            Listener listener = listeners.get(named);
            if (listener != null) {
                return listener;
            }
        }
        for (Listener listener : ordered) {
            if (!listener.address().isLoopbackAddress()) {
                return listener;
            }
        }
        return ordered.get(0);
    }

    private ServiceInstance desiredInstance() {
        Listener primary = primary();
        if (primary == null) {
            return null;
        }
        Map<String, Integer> others = new LinkedHashMap<>();
        for (Listener listener : listeners.values()) {
            if (listener.port() != primary.port()) {
                others.put(config.nameOf(listener.port()).orElse("tcp-" + listener.port()), listener.port());
            }
        }
        AdvertisedAddress.Choice host = advertised(primary.address());
        addressReason = host.reason();
        addressMissed = host.missed();
        return ServiceInstance.builder(config.service())
                .id(instanceId)
                .host(host.host())
                .port(primary.port())
                .status(selfCheck.status())
                .metadata(config.metadata())
                .ports(others)
                .build();
    }

    /**
     * The address to advertise for a listener bound to {@code bound}. Choosing it enumerates the network interfaces,
     * so it is done once per bound address and again after each {@code /proc} reconciliation (every 10 s), not on
     * every tick.
     */
    private AdvertisedAddress.Choice advertised(InetAddress bound) {
        if (chosen == null || !bound.equals(chosenFor)) {
            chosen = AdvertisedAddress.choose(config.host().orElse(null), bound,
                    config.networkInterface().orElse(null), network);
            chosenFor = bound;
        }
        return chosen;
    }

    /**
     * Where the self-check reaches the app: the registered instance, at the address its primary listener is bound to
     * (the loopback address for a wildcard bind), not the advertised one, which may be a NAT or load balancer address.
     */
    private ServiceInstance probeTarget(ServiceInstance desired) {
        Listener primary = primary();
        InetAddress bound = primary == null ? null : primary.address();
        String host = bound == null || bound.isAnyLocalAddress() ? "127.0.0.1" : bound.getHostAddress();
        return desired.toBuilder().host(host).build();
    }

    /**
     * Deregisters and waits the drain period. Runs on the JVM's shutdown thread before the app's hooks; idempotent;
     * never throws.
     */
    public void shutdown() {
        if (!shutdownStarted.compareAndSet(false, true)) {
            return;
        }
        stopping = true;
        handoff.close();
        selfCheck.stop();
        ServiceInstance toRemove = null;
        try {
            boolean locked = lock.tryLock(SHUTDOWN_LOCK_MILLIS, TimeUnit.MILLISECONDS);
            try {
                toRemove = registered;
                registered = null;
                if (toRemove != null && registry != null) {
                    registry.deregister(toRemove.service(), toRemove.id());
                    log.info("deregistered service={} id={} (JVM shutdown)", toRemove.service(), toRemove.id());
                }
            } finally {
                if (locked) {
                    lock.unlock();
                }
            }
            if (toRemove != null && !config.drain().isZero()) {
                log.info("draining for {} ms before the application's shutdown hooks run", config.drain().toMillis());
                Thread.sleep(config.drain().toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            log.warn("could not deregister {} on shutdown; it expires after its ttl",
                    toRemove == null ? "the instance" : toRemove.id(), t);
        }
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /** What is registered now (for tests and the attach command); null if nothing. */
    public ServiceInstance registered() {
        lock.lock();
        try {
            return registered;
        } finally {
            lock.unlock();
        }
    }
}
