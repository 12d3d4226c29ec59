package dev.beacon.agent.instrument;

import dev.beacon.agent.instrument.bridge.BeaconBridge;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.commons.ClassRemapper;
import net.bytebuddy.jar.asm.commons.SimpleRemapper;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.lang.invoke.MethodHandles;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Installs the agent's hooks (see {@link HookTransformer} for what is woven where).
 *
 * <p>Woven JDK code may only call classes the boot loader sees. The bridge is {@link BeaconBridge}, renamed to
 * {@code sun.nio.ch.BeaconBridge} and defined inside {@code java.base} through a private lookup that
 * {@link Instrumentation#redefineModule} opens for the agent only: no bootstrap class-path append (which would turn
 * off class data sharing and print a warning), no {@code Unsafe}.
 */
public final class BindHooks {

    private BindHooks() {
    }

    /** What the installation did: the classes woven now, and those that could not be. */
    public record Installed(List<String> retransformed, List<String> failures) {
    }

    /**
     * Installs the hooks. {@code onBind} receives each bound server socket or channel on the app's thread (it must
     * only hand it over); {@code onShutdown} runs on the shutdown thread before the app's shutdown hooks.
     *
     * @throws Exception if the bridge cannot be defined; nothing is woven then
     */
    public static Installed install(Instrumentation instrumentation, Consumer<Object> onBind, Runnable onShutdown)
            throws Exception {
        Class<?> bridge = defineBridge(instrumentation);
        bridge.getField("onBind").set(null, onBind);
        bridge.getField("onShutdown").set(null, onShutdown);
        NettyBridge.install(onBind);

        HookTransformer transformer = new HookTransformer();
        instrumentation.addTransformer(transformer, true);
        List<Class<?>> loaded = new ArrayList<>();
        for (Class<?> type : instrumentation.getAllLoadedClasses()) {
            if (HookTransformer.isTarget(type.getName().replace('.', '/')) && instrumentation.isModifiableClass(type)) {
                loaded.add(type);
            }
        }
        List<String> failures = new ArrayList<>();
        for (Class<?> type : loaded) {
            try {
                instrumentation.retransformClasses(type);
            } catch (Throwable t) {
                failures.add(type.getName() + ": " + t);
            }
        }
        failures.addAll(transformer.failures);
        List<String> retransformed = new ArrayList<>();
        loaded.forEach(type -> retransformed.add(type.getName()));
        return new Installed(retransformed, failures);
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
        byte[] bytes = renamedBridge();
        Class<?> anchor = Class.forName("sun.nio.ch.Interruptible", false, null);
        try {
            return MethodHandles.privateLookupIn(anchor, MethodHandles.lookup()).defineClass(bytes);
        } catch (LinkageError definedMeanwhile) {
            return Class.forName(name, false, null);
        }
    }

    private static byte[] renamedBridge() throws IOException {
        String original = BeaconBridge.class.getName().replace('.', '/');
        try (InputStream in = BeaconBridge.class.getResourceAsStream("/" + original + ".class")) {
            if (in == null) {
                throw new IOException("cannot read " + original + ".class from the agent jar");
            }
            ClassReader reader = new ClassReader(in.readAllBytes());
            ClassWriter writer = new ClassWriter(0);
            reader.accept(new ClassRemapper(writer, new SimpleRemapper(original, HookTransformer.BRIDGE)), 0);
            return writer.toByteArray();
        }
    }
}
