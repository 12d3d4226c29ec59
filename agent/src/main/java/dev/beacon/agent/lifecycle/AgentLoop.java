package dev.beacon.agent.lifecycle;

import dev.beacon.ServiceInstance;
import dev.beacon.agent.config.AgentConfig;
import dev.beacon.agent.detect.ProcNetListeners;
import dev.beacon.agent.instrument.BindHooks;
import dev.beacon.agent.logging.AgentLog;
import dev.beacon.registry.Registration;
import dev.beacon.registry.RegistryUris;
import dev.beacon.registry.ServiceRegistry;
import org.slf4j.Logger;

import dev.beacon.agent.detect.Listener;

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
 * The agent's thread: keeps one {@link Registration} in step with what the app listens on, and ends it when the app
 * stops listening or the JVM shuts down.
 *
 * <ul>
 *   <li>The hooks hand bound sockets to the {@link Handoff} on the app's threads and wake this thread; closing a
 *       hooked server socket wakes it too, so a closed listener is deregistered within milliseconds. Otherwise it
 *       wakes every 250 ms (the fallback for sockets the hooks cannot see closing: Netty's native transports).</li>
 *   <li>Each {@link #step} updates the {@link ListenerTracker} (queued sockets, closed ones, the {@code /proc}
 *       scan), derives the instance ({@link InstanceFromListeners}) and applies it: the first listener starts a
 *       {@link Registration} (which registers at once, then renews every heartbeat, re-registers after a lost lease
 *       and backs off while the registry is unreachable, on its own thread), a change updates it, and the last
 *       listener closing closes it (deregisters).</li>
 *   <li>With {@code health=}, the instance is registered {@code STARTING} and its status follows the
 *       {@link SelfCheck}'s probes (which run on their own thread): each change is registered at once.</li>
 *   <li>Once per heartbeat interval it asks the registry whether an operator put the instance in maintenance
 *       ({@link MaintenanceNotices}), outside the lock, and says so once.</li>
 *   <li>{@link #shutdown()} runs on the JVM's shutdown thread before the app's own hooks: it deregisters, then
 *       waits the drain period.</li>
 * </ul>
 * What it says is said by {@link RegistrationNotices}, {@link MaintenanceNotices} and by core's
 * {@link Registration} (the registry's outages).
 */
public final class AgentLoop implements Runnable {

    private static final Logger log = AgentLog.get(AgentLoop.class);
    private static final long TICK_MILLIS = 250;
    private static final long SHUTDOWN_LOCK_MILLIS = 2_000;

    private final AgentConfig config;
    private final Supplier<ServiceRegistry> registryFactory;
    private final Handoff handoff;
    private final SelfCheck selfCheck;
    private final ListenerTracker tracker;
    private final InstanceFromListeners instances;
    private final RegistrationNotices notices;
    private final MaintenanceNotices maintenance;
    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicBoolean shutdownStarted = new AtomicBoolean();
    private volatile boolean stopping;
    private volatile Thread thread;
    private volatile BindHooks.Installed hooks;
    private ServiceRegistry registry; // guarded by lock
    private volatile Registration registration; // written under lock

    /** Taking the sockets the hooks queued in {@code handoff} since premain. */
    public AgentLoop(AgentConfig config, Supplier<ServiceRegistry> registryFactory, Set<Integer> jvmOwnPorts,
                     String instanceId, ProcNetListeners proc, Handoff handoff) {
        this(config, registryFactory, jvmOwnPorts, instanceId, proc, SelfCheck.of(config), handoff,
                ListenerTracker.SERVING_GRACE_MILLIS);
    }

    /**
     * With a given self-check (tests: a fake check on the calling thread) and no serving grace: every hooked listener
     * counts as serving at once (the tests of the serving rule use the constructor below).
     */
    AgentLoop(AgentConfig config, Supplier<ServiceRegistry> registryFactory, Set<Integer> jvmOwnPorts,
              String instanceId, ProcNetListeners proc, SelfCheck selfCheck, Handoff handoff) {
        this(config, registryFactory, jvmOwnPorts, instanceId, proc, selfCheck, handoff, 0);
    }

    /** With a given self-check and serving grace ({@link ListenerTracker#SERVING_GRACE_MILLIS} in the agent). */
    AgentLoop(AgentConfig config, Supplier<ServiceRegistry> registryFactory, Set<Integer> jvmOwnPorts,
              String instanceId, ProcNetListeners proc, SelfCheck selfCheck, Handoff handoff,
              long servingGraceMillis) {
        this.config = Objects.requireNonNull(config, "config");
        this.registryFactory = Objects.requireNonNull(registryFactory, "registryFactory");
        this.handoff = Objects.requireNonNull(handoff, "handoff");
        this.selfCheck = selfCheck;
        this.tracker = new ListenerTracker(config, jvmOwnPorts, proc, servingGraceMillis);
        this.instances = new InstanceFromListeners(config, instanceId);
        this.notices = new RegistrationNotices(config, selfCheck.enabled() ? selfCheck.describe() : null);
        this.maintenance = new MaintenanceNotices(config.heartbeat());
    }

    /** Records what the hook installation did; reported from the agent's thread. */
    public void hooksInstalled(BindHooks.Installed installed) {
        this.hooks = installed;
    }

    /** Opens the registry; false (and one error line) if it cannot be opened. */
    boolean openRegistry() {
        try {
            ServiceRegistry opened = registryFactory.get();
            lock.lock();
            try {
                registry = opened;
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
        if (!config.serviceSource().equals("service=")) {
            log.info("service={} ({})", config.service(), config.serviceSource());
        }
        if (selfCheck.enabled()) {
            selfCheck.onResult(this::wakeUp); // here, not in the constructor: premain creates no lambda for it
        }
        BindHooks.Installed installed = hooks;
        if (installed != null) {
            installed.failures().forEach(f -> log.warn("cannot instrument {}; its listeners are found by the "
                    + "/proc scan only", f));
            log.debug("hooks installed; retransformed {}", installed.retransformed());
        }
        while (!stopping) {
            long tick = TICK_MILLIS;
            try {
                lock.lock();
                try {
                    if (!stopping) {
                        long now = System.nanoTime() / 1_000_000;
                        step(now);
                        if (tracker.waitingForServing(now)) {
                            tick = 50; // a listener's serving grace ends soon: register it close to its end
                        }
                    }
                } finally {
                    lock.unlock();
                }
                checkMaintenance(System.nanoTime() / 1_000_000); // outside the lock: a read must not delay shutdown
            } catch (Throwable t) {
                log.warn("unexpected failure; carrying on", t);
            }
            LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(tick));
            if (Thread.interrupted() && stopping) {
                break;
            }
        }
    }

    /** One pass; {@code now} is monotonic milliseconds. Does nothing once {@link #shutdown()} began. */
    void step(long now) {
        if (stopping) {
            return;
        }
        boolean changed = tracker.takeBound(handoff, now);
        changed |= tracker.dropClosed(now);
        if (tracker.scanDue(now)) {
            changed |= tracker.reconcileWithProc(now);
            instances.forgetAddress(); // interfaces may have changed: choose the address again
            if (tracker.takeFoundByScanOnly()) {
                weaveNativeTransports();
            }
        }
        Map<Integer, Listener> serving = tracker.serving(now);
        if (registration == null && !serving.isEmpty()) {
            selfCheck.resolveAuto(); // health=auto: the framework's endpoint, or UP at once if it has none
        }
        ServiceInstance desired = instances.desired(serving, tracker.roles(), selfCheck.status());
        Registration current = registration;
        if (current != null && desired != null) {
            selfCheck.probeIfDue(now, instances.probeTarget(serving, tracker.roles(), desired));
        }
        if (current != null && selfCheck.takeResult(current.instance())) {
            desired = instances.desired(serving, tracker.roles(), selfCheck.status());
        }
        apply(desired, now);
        if (changed) {
            log.debug("listeners now {}", tracker.listeners().keySet());
        }
    }

    /**
     * A scan found a listener the hooks missed: a native transport (Netty's epoll, say) loaded after the hooks were
     * woven. Weave it now, so that its next listeners are registered in milliseconds rather than at the next scan.
     */
    private void weaveNativeTransports() {
        BindHooks.Installed installed = hooks;
        if (installed == null) {
            return;
        }
        try {
            List<String> woven = installed.weaveNativeTransports();
            if (!woven.isEmpty()) {
                log.debug("a listener bound outside the hooks: wove {}", woven);
            }
        } catch (RuntimeException e) {
            log.debug("cannot weave the native transport's sockets; their listeners are found by the /proc scan", e);
        }
    }

    /**
     * Asks the registry once per heartbeat interval whether an operator put the registered instance in maintenance,
     * and says so once ({@link MaintenanceNotices}). On the agent's thread; does nothing while nothing is registered.
     */
    void checkMaintenance(long now) {
        Registration current = registration;
        ServiceRegistry opened = registry; // set once by this thread before the loop
        if (current != null && opened != null && !stopping) {
            maintenance.checkIfDue(now, opened, current.instance());
        }
    }

    /** Starts, updates or closes the registration so that it registers {@code desired} (null: nothing). */
    private void apply(ServiceInstance desired, long now) {
        Registration current = registration;
        if (desired == null) {
            if (current != null) {
                registration = null;
                notices.withdrawing(": the app no longer listens on " + current.instance().port());
                current.close();
                selfCheck.deregistered();
            }
            return;
        }
        if (current != null && desired.equals(current.instance())) {
            return;
        }
        notices.addressChosen(instances.address());
        if (current == null) {
            Registration started = Registration.builder(registry, desired).ttl(config.ttl())
                    .heartbeat(config.heartbeat()).listener(notices).start();
            if (stopping) { // the shutdown gave up waiting for this first registration: undo it here
                notices.withdrawing(" (JVM shutdown)");
                started.close();
                return;
            }
            registration = started;
            selfCheck.registered(now);
        } else {
            current.update(desired);
        }
    }

    /** Hands over a bound server socket or channel, as the hooks do: queues it and returns (tests). */
    void onBind(Object socket) {
        handoff.accept(socket);
    }

    private void wakeUp() {
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
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
        Registration toClose = null;
        try {
            // the agent's thread may be inside a registry call: wait for it a little, then go ahead regardless
            boolean locked = lock.tryLock(SHUTDOWN_LOCK_MILLIS, TimeUnit.MILLISECONDS);
            try {
                toClose = registration;
                registration = null;
                if (toClose != null) {
                    notices.withdrawing(" (JVM shutdown)");
                    toClose.close();
                }
            } finally {
                if (locked) {
                    lock.unlock();
                }
            }
            if (toClose != null && !config.drain().isZero()) {
                log.info("draining for {} ms before the application's shutdown hooks run", config.drain().toMillis());
                Thread.sleep(config.drain().toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            log.warn("could not deregister {} on shutdown; it expires after its ttl",
                    toClose == null ? "the instance" : toClose.instance().id(), t);
        }
        wakeUp();
    }

    /** What the registration keeps registered now (for tests); null if nothing. */
    ServiceInstance registered() {
        Registration current = registration;
        return current == null ? null : current.instance();
    }
}
