package dev.beacon.agent.instrument;

import java.lang.instrument.Instrumentation;
import java.lang.invoke.MethodHandles;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Installs the agent's hooks (see {@link HookTransformer} for what is woven where).
 *
 * <p>Woven JDK code may only call classes the boot loader sees. The bridge is the class file {@link BridgeClass} holds,
 * {@code sun.nio.ch.BeaconBridge}, defined inside {@code java.base} through a private lookup that
 * {@link Instrumentation#redefineModule} opens for the agent only: no bootstrap class-path append (which would turn
 * off class data sharing and print a warning), no {@code Unsafe}.
 */
public final class BindHooks {

    private BindHooks() {
    }

    /**
     * What the installation did: the classes woven at once because they were loaded already, and failures; and the way
     * to weave Netty's native sockets loaded since ({@link #weaveNativeTransports}).
     */
    public static final class Installed {
        private final Instrumentation instrumentation;
        private final List<String> retransformed;
        private final List<String> failures;
        private final Set<String> nativeWoven = new HashSet<>(); // the agent's thread only

        Installed(Instrumentation instrumentation, List<String> retransformed, List<String> failures) {
            this.instrumentation = instrumentation;
            this.retransformed = List.copyOf(retransformed);
            this.failures = List.copyOf(failures);
            retransformed.stream().filter(name -> name.replace('.', '/').endsWith(HookTransformer.NETTY_SOCKET_SUFFIX))
                    .forEach(nativeWoven::add);
        }

        public List<String> retransformed() {
            return retransformed;
        }

        public List<String> failures() {
            return failures;
        }

        /**
         * Weaves {@code listen} into the Netty native sockets ({@code io.netty.channel.unix.Socket}, shaded copies
         * too) that the app loaded since the transformer was removed, so that their next listeners are handed over at
         * once instead of waiting for a {@code /proc} scan. Call it when a scan found a listener the hooks missed (a
         * native transport in use): it walks the loaded classes once, a few milliseconds, on the agent's thread.
         *
         * @return the classes woven now; failures are added to {@link #failures()}'s log line by the caller
         */
        public List<String> weaveNativeTransports() {
            List<Class<?>> targets = new ArrayList<>();
            for (Class<?> type : instrumentation.getAllLoadedClasses()) {
                String name = type.getName();
                if (name.replace('.', '/').endsWith(HookTransformer.NETTY_SOCKET_SUFFIX) && !nativeWoven.contains(name)
                        && instrumentation.isModifiableClass(type)) {
                    targets.add(type);
                }
            }
            if (targets.isEmpty()) {
                return List.of();
            }
            HookTransformer transformer = new HookTransformer();
            instrumentation.addTransformer(transformer, true);
            try {
                for (Class<?> type : targets) {
                    nativeWoven.add(type.getName()); // tried once, woven or not
                    try {
                        instrumentation.retransformClasses(type);
                    } catch (Throwable t) {
                        transformer.failures.add(type.getName() + ": " + t);
                    }
                }
            } finally {
                instrumentation.removeTransformer(transformer);
            }
            if (!transformer.failures.isEmpty()) {
                throw new IllegalStateException("cannot weave " + transformer.failures);
            }
            return List.copyOf(transformer.woven);
        }
    }

    /**
     * Defines the bridge and adds the transformer, which weaves each hooked class as it loads. Cheap enough for
     * premain: no ASM is loaded here. {@code onBind} receives each bound server socket or channel on the app's thread,
     * {@code onClose} each one just closed, {@code onServe} each server socket or channel
     * the app accepts on or registers with a selector (any selectable channel: it must filter; all must only hand it
     * over); {@code onShutdown} runs on the shutdown
     * thread before the app's shutdown hooks. Call {@link Pending#weaveAndDetach()} next, off the app's main thread.
     *
     * @throws Exception if the bridge cannot be defined; nothing is woven then
     */
    public static Pending install(Instrumentation instrumentation, Consumer<Object> onBind, Consumer<Object> onClose,
                                  Consumer<Object> onServe, Runnable onShutdown) throws Exception {
        Class<?> bridge = defineBridge(instrumentation);
        bridge.getField(BridgeClass.ON_BIND).set(null, onBind);
        bridge.getField(BridgeClass.ON_CLOSE).set(null, onClose);
        bridge.getField(BridgeClass.ON_SHUTDOWN).set(null, onShutdown);
        bridge.getField(BridgeClass.ON_SERVE).set(null, onServe);
        NettyBridge.install(onBind);
        HookTransformer transformer = new HookTransformer();
        instrumentation.addTransformer(transformer, true);
        return new Pending(instrumentation, transformer);
    }

    /** Hooks whose transformer is in place; classes loaded before it still have to be woven. */
    public static final class Pending {
        private final Instrumentation instrumentation;
        private final HookTransformer transformer;

        private Pending(Instrumentation instrumentation, HookTransformer transformer) {
            this.instrumentation = instrumentation;
            this.transformer = transformer;
        }

        /**
         * Weaves the hooked JDK classes — loading them now, without initialising them, where the app has not yet —
         * and, at a late attach, Netty's native sockets already loaded; then removes the transformer. Runs on the
         * agent's thread. A transformer left in place would be called for every class the app ever loads, which
         * costs a large app tens of milliseconds at startup: after this, the JVM calls nothing of the agent's when
         * it loads a class. Netty native transports loaded later are found by the {@code /proc} scan, which then has
         * them woven ({@link Installed#weaveNativeTransports}).
         */
        public Installed weaveAndDetach() {
            List<String> failures = new ArrayList<>();
            List<String> targets = new ArrayList<>(HookTransformer.JDK_BIND_TYPES);
            targets.add(HookTransformer.SHUTDOWN_HOOKS);
            targets.add(HookTransformer.SELECTABLE);
            for (String type : targets) {
                try {
                    Class.forName(type.replace('/', '.'), false, null); // woven by the transformer as it loads
                } catch (ClassNotFoundException | LinkageError e) {
                    failures.add(type.replace('/', '.') + ": " + e);
                }
            }
            List<Class<?>> loadedBefore = new ArrayList<>();
            for (Class<?> type : instrumentation.getAllLoadedClasses()) {
                if (HookTransformer.isTarget(type.getName().replace('.', '/'))
                        && !transformer.woven.contains(type.getName()) && instrumentation.isModifiableClass(type)) {
                    loadedBefore.add(type);
                }
            }
            List<String> retransformed = new ArrayList<>();
            for (Class<?> type : loadedBefore) {
                try {
                    instrumentation.retransformClasses(type);
                    retransformed.add(type.getName());
                } catch (Throwable t) {
                    failures.add(type.getName() + ": " + t);
                }
            }
            instrumentation.removeTransformer(transformer);
            failures.addAll(transformer.failures);
            return new Installed(instrumentation, retransformed, failures);
        }
    }

    private static Class<?> defineBridge(Instrumentation instrumentation) throws Exception {
        String name = HookTransformer.BRIDGE.replace('/', '.');
        try {
            return Class.forName(name, false, null);
        } catch (ClassNotFoundException notYetDefined) {
            // define it below
        }
        instrumentation.redefineModule(Object.class.getModule(), Set.of(), Map.of(),
                Map.of("sun.nio.ch", Set.of(BindHooks.class.getModule())), Set.of(), Map.of());
        byte[] bytes = BridgeClass.bytes();
        Class<?> anchor = Class.forName("sun.nio.ch.Interruptible", false, null);
        try {
            return MethodHandles.privateLookupIn(anchor, MethodHandles.lookup()).defineClass(bytes);
        } catch (LinkageError definedMeanwhile) {
            return Class.forName(name, false, null);
        }
    }
}
