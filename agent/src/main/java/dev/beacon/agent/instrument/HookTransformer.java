package dev.beacon.agent.instrument;

import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Weaves one static call into a handful of methods, with the ASM that ships inside Byte Buddy:
 * <ul>
 *   <li>before each return of {@code bind(SocketAddress, int)} in {@code sun.nio.ch.ServerSocketChannelImpl},
 *       {@code sun.nio.ch.AsynchronousServerSocketChannelImpl} and {@code java.net.ServerSocket}:
 *       {@code BeaconBridge.bound(this)} (returns only: a bind that throws registers nothing);</li>
 *   <li>before each return of the method that closes those same sockets — {@code implCloseSelectableChannel()},
 *       {@code close()} and {@code close()} — {@code BeaconBridge.closed(this)}, so that the agent learns of a closed
 *       listener at once instead of at its next tick (a close that throws is found at the next tick);</li>
 *   <li>before each return of {@code listen(int)} in {@code io.netty.channel.unix.Socket} and shaded copies:
 *       {@code NettyBridge.listened(this)};</li>
 *   <li>at the entry of {@code accept} in {@code sun.nio.ch.ServerSocketChannelImpl},
 *       {@code sun.nio.ch.AsynchronousServerSocketChannelImpl} and {@code java.net.ServerSocket}, and of
 *       {@code register(Selector, int, Object)} in {@code java.nio.channels.spi.AbstractSelectableChannel}:
 *       {@code BeaconBridge.serving(this)} — the server socket serves, so it may be registered (a socket bound only
 *       to learn a free port and closed never gets there);</li>
 *   <li>at the entry of {@code java.lang.ApplicationShutdownHooks#runHooks()}: {@code BeaconBridge.shuttingDown()}.</li>
 * </ul>
 * The woven calls take the receiver only and the callees catch everything, so no branch, frame or exception handler
 * is added to the JDK's code. Any class that cannot be woven is left as it was and reported.
 *
 * <p>A raw transformer instead of Byte Buddy's {@code AgentBuilder}: for eight methods it costs the app a few dozen
 * classes at startup instead of about a thousand (see the README's startup numbers).
 */
final class HookTransformer implements ClassFileTransformer {

    static final String BRIDGE = BridgeClass.NAME;
    static final String NETTY_BRIDGE = NettyBridge.class.getName().replace('.', '/');
    static final List<String> JDK_BIND_TYPES = List.of("sun/nio/ch/ServerSocketChannelImpl",
            "sun/nio/ch/AsynchronousServerSocketChannelImpl", "java/net/ServerSocket");
    /** For each bind type, the method that closes its socket (once: a second close returns early). */
    static final Map<String, String> JDK_CLOSE_METHODS = Map.of(
            "sun/nio/ch/ServerSocketChannelImpl", "implCloseSelectableChannel",
            "sun/nio/ch/AsynchronousServerSocketChannelImpl", "close",
            "java/net/ServerSocket", "close");
    static final String SHUTDOWN_HOOKS = "java/lang/ApplicationShutdownHooks";
    /** Where a server socket starts serving: accepting, or registering with a selector (name and descriptor prefix). */
    static final Map<String, String[]> JDK_SERVING_METHODS = Map.of(
            "sun/nio/ch/ServerSocketChannelImpl", new String[]{"accept", "()"},
            "sun/nio/ch/AsynchronousServerSocketChannelImpl", new String[]{"accept", "("},
            "java/net/ServerSocket", new String[]{"accept", "()"},
            "java/nio/channels/spi/AbstractSelectableChannel",
            new String[]{"register", "(Ljava/nio/channels/Selector;ILjava/lang/Object;)"});
    static final String SELECTABLE = "java/nio/channels/spi/AbstractSelectableChannel";
    static final String NETTY_SOCKET_SUFFIX = "/netty/channel/unix/Socket";

    /** Types woven so far and failures, for the agent's log (read on the agent thread). */
    final List<String> woven = new CopyOnWriteArrayList<>();
    final List<String> failures = new CopyOnWriteArrayList<>();

    static boolean isTarget(String internalName) {
        return JDK_BIND_TYPES.contains(internalName) || SHUTDOWN_HOOKS.equals(internalName)
                || SELECTABLE.equals(internalName) || internalName.endsWith(NETTY_SOCKET_SUFFIX);
    }

    @Override
    public byte[] transform(ClassLoader loader, String className, Class<?> classBeingRedefined,
                            ProtectionDomain protectionDomain, byte[] classfileBuffer) {
        if (className == null || !isTarget(className)) {
            return null;
        }
        try {
            byte[] result = weave(className, classfileBuffer);
            if (result != null) {
                woven.add(className.replace('/', '.'));
            }
            return result;
        } catch (Throwable t) {
            failures.add(className.replace('/', '.') + ": " + t);
            return null;
        }
    }

    static byte[] weave(String className, byte[] bytes) {
        ClassReader reader = new ClassReader(bytes);
        ClassWriter writer = new ClassWriter(reader, ClassWriter.COMPUTE_MAXS);
        boolean[] changed = new boolean[1];
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                             String[] exceptions) {
                MethodVisitor mv = super.visitMethod(access, name, descriptor, signature, exceptions);
                boolean instance = (access & (Opcodes.ACC_STATIC | Opcodes.ACC_ABSTRACT)) == 0;
                if (instance && JDK_BIND_TYPES.contains(className) && name.equals("bind")
                        && descriptor.startsWith("(Ljava/net/SocketAddress;I)")) {
                    changed[0] = true;
                    return new CallBeforeReturn(mv, BRIDGE, "bound");
                }
                if (instance && name.equals(JDK_CLOSE_METHODS.get(className)) && descriptor.equals("()V")) {
                    changed[0] = true;
                    return new CallBeforeReturn(mv, BRIDGE, "closed");
                }
                if (instance && className.endsWith(NETTY_SOCKET_SUFFIX) && name.equals("listen")
                        && descriptor.equals("(I)V")) {
                    changed[0] = true;
                    return new CallBeforeReturn(mv, NETTY_BRIDGE, "listened");
                }
                String[] serving = JDK_SERVING_METHODS.get(className);
                if (instance && serving != null && name.equals(serving[0]) && descriptor.startsWith(serving[1])) {
                    changed[0] = true;
                    return new CallAtEntry(mv, "serving", true);
                }
                if (className.equals(SHUTDOWN_HOOKS) && name.equals("runHooks") && descriptor.equals("()V")) {
                    changed[0] = true;
                    return new CallAtEntry(mv, "shuttingDown", false);
                }
                return mv;
            }
        }, 0);
        return changed[0] ? writer.toByteArray() : null;
    }

    /** Inserts {@code owner.method(this)} before every return instruction. */
    private static final class CallBeforeReturn extends MethodVisitor {
        private final String owner;
        private final String method;

        CallBeforeReturn(MethodVisitor mv, String owner, String method) {
            super(Opcodes.ASM9, mv);
            this.owner = owner;
            this.method = method;
        }

        @Override
        public void visitInsn(int opcode) {
            if (opcode >= Opcodes.IRETURN && opcode <= Opcodes.RETURN) {
                super.visitVarInsn(Opcodes.ALOAD, 0);
                super.visitMethodInsn(Opcodes.INVOKESTATIC, owner, method, "(Ljava/lang/Object;)V", false);
            }
            super.visitInsn(opcode);
        }
    }

    /** Inserts {@code BeaconBridge.method()} or {@code BeaconBridge.method(this)} at the method's entry. */
    private static final class CallAtEntry extends MethodVisitor {
        private final String method;
        private final boolean withThis;

        CallAtEntry(MethodVisitor mv, String method, boolean withThis) {
            super(Opcodes.ASM9, mv);
            this.method = method;
            this.withThis = withThis;
        }

        @Override
        public void visitCode() {
            super.visitCode();
            if (withThis) {
                super.visitVarInsn(Opcodes.ALOAD, 0);
                super.visitMethodInsn(Opcodes.INVOKESTATIC, BRIDGE, method, "(Ljava/lang/Object;)V", false);
            } else {
                super.visitMethodInsn(Opcodes.INVOKESTATIC, BRIDGE, method, "()V", false);
            }
        }
    }
}
