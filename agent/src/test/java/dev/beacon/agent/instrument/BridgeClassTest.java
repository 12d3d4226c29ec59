package dev.beacon.agent.instrument;

import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.FieldVisitor;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.commons.ClassRemapper;
import net.bytebuddy.jar.asm.commons.SimpleRemapper;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bridge's class file: that the constant in {@link BridgeClass} is what ASM writes from the description below, and
 * that the class behaves. It is defined here under a test name by a class loader of its own, which — unlike the boot
 * loader that defines the real one — runs the JDK's bytecode verifier over it, hand-written stack map frames included.
 */
class BridgeClassTest {

    private static final String CONSUMER = "java/util/function/Consumer";
    private static final String RUNNABLE = "java/lang/Runnable";
    private static final String TEST_NAME = "dev/beacon/agent/instrument/TestBridge";

    @Test
    void constant_isWhatAsmWrites() {
        String written = Base64.getEncoder().encodeToString(write(BridgeClass.NAME));
        assertThat(BridgeClass.CLASS_FILE)
                .as("BridgeClass.CLASS_FILE is out of date; replace it with:%n%s", written)
                .isEqualTo(written);
    }

    /** The constant's class, renamed to a test name and defined by a verifying class loader. */
    private static Class<?> define() {
        ClassWriter renamed = new ClassWriter(0);
        new ClassReader(BridgeClass.bytes()).accept(
                new ClassRemapper(renamed, new SimpleRemapper(BridgeClass.NAME, TEST_NAME)), 0);
        byte[] bytes = renamed.toByteArray();
        return new ClassLoader(BridgeClassTest.class.getClassLoader()) {
            Class<?> define() {
                return defineClass(TEST_NAME.replace('/', '.'), bytes, 0, bytes.length);
            }
        }.define();
    }

    @Test
    void bound_handsTheSocketToTheListener() throws Exception {
        Class<?> bridge = define();
        List<Object> received = new ArrayList<>();
        bridge.getField(BridgeClass.ON_BIND).set(null, (Consumer<Object>) received::add);

        bridge.getMethod("bound", Object.class).invoke(null, "socket");

        assertThat(received).containsExactly("socket");
    }

    @Test
    void bound_withoutListener_orWithAFailingOne_returnsNormally() throws Exception {
        Class<?> bridge = define();
        bridge.getMethod("bound", Object.class).invoke(null, "nobody listens");
        List<Object> attempts = new ArrayList<>();
        bridge.getField(BridgeClass.ON_BIND).set(null, (Consumer<Object>) s -> {
            attempts.add(s);
            throw new StackOverflowError("listener failed");
        });

        bridge.getMethod("bound", Object.class).invoke(null, "socket"); // must not throw

        assertThat(attempts).containsExactly("socket");
    }

    @Test
    void closed_handsTheSocketToTheCloseListenerOnly_andSwallowsItsFailure() throws Exception {
        Class<?> bridge = define();
        bridge.getMethod("closed", Object.class).invoke(null, "nobody listens");
        List<Object> bound = new ArrayList<>();
        List<Object> closed = new ArrayList<>();
        bridge.getField(BridgeClass.ON_BIND).set(null, (Consumer<Object>) bound::add);
        bridge.getField(BridgeClass.ON_CLOSE).set(null, (Consumer<Object>) s -> {
            closed.add(s);
            throw new IllegalStateException("listener failed");
        });

        bridge.getMethod("closed", Object.class).invoke(null, "socket"); // must not throw

        assertThat(closed).containsExactly("socket");
        assertThat(bound).isEmpty();
    }

    @Test
    void shuttingDown_runsTheListener_andSwallowsItsFailure() throws Exception {
        Class<?> bridge = define();
        bridge.getMethod("shuttingDown").invoke(null);
        int[] runs = new int[1];
        bridge.getField(BridgeClass.ON_SHUTDOWN).set(null, (Runnable) () -> runs[0]++);
        bridge.getMethod("shuttingDown").invoke(null);
        bridge.getField(BridgeClass.ON_SHUTDOWN).set(null, (Runnable) () -> {
            runs[0]++;
            throw new IllegalStateException("hook failed");
        });

        bridge.getMethod("shuttingDown").invoke(null); // must not throw

        assertThat(runs[0]).isEqualTo(2);
    }

    @Test
    void fields_arePublicStaticVolatile_classIsFinal() throws Exception {
        Class<?> bridge = define();
        for (String field : List.of(BridgeClass.ON_BIND, BridgeClass.ON_SHUTDOWN, BridgeClass.ON_CLOSE,
                BridgeClass.ON_SERVE)) {
            int modifiers = bridge.getField(field).getModifiers();
            assertThat(Modifier.isPublic(modifiers) && Modifier.isStatic(modifiers) && Modifier.isVolatile(modifiers))
                    .as(field).isTrue();
        }
        assertThat(Modifier.isFinal(bridge.getModifiers())).isTrue();
    }

    /** The class file of the bridge named {@code internalName} (such as {@code sun/nio/ch/BeaconBridge}). */
    static byte[] write(String internalName) {
        ClassWriter writer = new ClassWriter(0);
        writer.visit(Opcodes.V17, Opcodes.ACC_PUBLIC | Opcodes.ACC_FINAL | Opcodes.ACC_SUPER, internalName, null,
                "java/lang/Object", null);
        field(writer, BridgeClass.ON_BIND, "L" + CONSUMER + ";");
        field(writer, BridgeClass.ON_SHUTDOWN, "L" + RUNNABLE + ";");
        field(writer, BridgeClass.ON_CLOSE, "L" + CONSUMER + ";");
        field(writer, BridgeClass.ON_SERVE, "L" + CONSUMER + ";");
        relay(writer, internalName, "bound", "(Ljava/lang/Object;)V", BridgeClass.ON_BIND, CONSUMER, "accept");
        relay(writer, internalName, "shuttingDown", "()V", BridgeClass.ON_SHUTDOWN, RUNNABLE, "run");
        relay(writer, internalName, "closed", "(Ljava/lang/Object;)V", BridgeClass.ON_CLOSE, CONSUMER, "accept");
        relay(writer, internalName, "serving", "(Ljava/lang/Object;)V", BridgeClass.ON_SERVE, CONSUMER, "accept");
        writer.visitEnd();
        return writer.toByteArray();
    }

    private static void field(ClassWriter writer, String name, String descriptor) {
        FieldVisitor field = writer.visitField(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC | Opcodes.ACC_VOLATILE, name,
                descriptor, null, null);
        field.visitEnd();
    }

    /**
     * {@code static void method(args) { T listener = field; if (listener != null) try { listener.call(args); }
     * catch (Throwable ignored) { } }}, with the stack map frames written by hand (no class loading to compute them).
     */
    private static void relay(ClassWriter writer, String owner, String method, String descriptor, String field,
                              String listenerType, String call) {
        boolean withArgument = !descriptor.startsWith("()");
        int listener = withArgument ? 1 : 0;
        Object[] locals = withArgument ? new Object[]{"java/lang/Object", listenerType} : new Object[]{listenerType};
        Label start = new Label();
        Label end = new Label();
        Label handler = new Label();
        Label done = new Label();
        MethodVisitor mv = writer.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, method, descriptor, null, null);
        mv.visitCode();
        mv.visitTryCatchBlock(start, end, handler, "java/lang/Throwable");
        mv.visitFieldInsn(Opcodes.GETSTATIC, owner, field, "L" + listenerType + ";");
        mv.visitVarInsn(Opcodes.ASTORE, listener);
        mv.visitVarInsn(Opcodes.ALOAD, listener);
        mv.visitJumpInsn(Opcodes.IFNULL, done);
        mv.visitLabel(start);
        mv.visitVarInsn(Opcodes.ALOAD, listener);
        if (withArgument) {
            mv.visitVarInsn(Opcodes.ALOAD, 0);
            mv.visitMethodInsn(Opcodes.INVOKEINTERFACE, listenerType, call, "(Ljava/lang/Object;)V", true);
        } else {
            mv.visitMethodInsn(Opcodes.INVOKEINTERFACE, listenerType, call, "()V", true);
        }
        mv.visitLabel(end);
        mv.visitJumpInsn(Opcodes.GOTO, done);
        mv.visitLabel(handler);
        mv.visitFrame(Opcodes.F_FULL, locals.length, locals, 1, new Object[]{"java/lang/Throwable"});
        mv.visitInsn(Opcodes.POP);
        mv.visitLabel(done);
        mv.visitFrame(Opcodes.F_FULL, locals.length, locals, 0, new Object[0]);
        mv.visitInsn(Opcodes.RETURN);
        mv.visitMaxs(withArgument ? 2 : 1, locals.length);
        mv.visitEnd();
    }
}
