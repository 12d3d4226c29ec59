package dev.beacon.agent.instrument;

import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

class HookTransformerTest {

    private static final String FAKE_NETTY_SOCKET = "dev/beacon/agent/instrument/fake/netty/channel/unix/Socket";

    @AfterEach
    void uninstallNettyListener() {
        NettyBridge.install(null);
    }

    /** The bytes of a JDK class, from the running JDK's jrt file system. */
    private static byte[] jdkClass(String internalName) throws IOException {
        return Files.readAllBytes(Path.of(URI.create("jrt:/java.base/" + internalName + ".class")));
    }

    private static byte[] testClass(String internalName) throws IOException {
        try (InputStream in = HookTransformerTest.class.getResourceAsStream("/" + internalName + ".class")) {
            assertThat(in).as(internalName).isNotNull();
            return in.readAllBytes();
        }
    }

    /** A static call found in a class: where it is and what it calls. */
    private record Call(String method, String descriptor, String owner, String name, int index) {
    }

    /** Every static call in {@code bytes}, with its position among the instructions of its method. */
    private static List<Call> staticCalls(byte[] bytes) {
        List<Call> calls = new ArrayList<>();
        new ClassReader(bytes).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String method, String descriptor, String signature,
                                             String[] exceptions) {
                return new MethodVisitor(Opcodes.ASM9) {
                    int index;

                    @Override
                    public void visitInsn(int opcode) {
                        index++;
                    }

                    @Override
                    public void visitVarInsn(int opcode, int var) {
                        index++;
                    }

                    @Override
                    public void visitFieldInsn(int opcode, String owner, String name, String desc) {
                        index++;
                    }

                    @Override
                    public void visitMethodInsn(int opcode, String owner, String name, String desc, boolean itf) {
                        if (opcode == Opcodes.INVOKESTATIC) {
                            calls.add(new Call(method, descriptor, owner, name, index));
                        }
                        index++;
                    }
                };
            }
        }, 0);
        return calls;
    }

    /** How many return instructions the named method has. */
    private static int returns(byte[] bytes, String method, String descriptorPrefix) {
        int[] count = new int[1];
        new ClassReader(bytes).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                             String[] exceptions) {
                if (!name.equals(method) || !descriptor.startsWith(descriptorPrefix)) {
                    return null;
                }
                return new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public void visitInsn(int opcode) {
                        if (opcode >= Opcodes.IRETURN && opcode <= Opcodes.RETURN) {
                            count[0]++;
                        }
                    }
                };
            }
        }, 0);
        return count[0];
    }

    // ---- isTarget

    @ParameterizedTest
    @ValueSource(strings = {"sun/nio/ch/ServerSocketChannelImpl", "sun/nio/ch/AsynchronousServerSocketChannelImpl",
            "java/net/ServerSocket", "java/lang/ApplicationShutdownHooks", "io/netty/channel/unix/Socket",
            "io/grpc/netty/shaded/io/netty/channel/unix/Socket", "com/acme/shaded/netty/channel/unix/Socket"})
    void isTarget_hookedType_isTrue(String internalName) {
        assertThat(HookTransformer.isTarget(internalName)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"java/net/Socket", "java/net/ServerSocketFactory", "sun/nio/ch/ServerSocketAdaptor",
            "sun/nio/ch/SocketChannelImpl", "java/lang/Shutdown", "io/netty/channel/unix/Socket$1",
            "io/netty/channel/unix/SocketWriteOutputStream", "io/netty/channel/epoll/LinuxSocket",
            "io/netty/channel/unix/socket", "java.net.ServerSocket", "com/acme/ServerSocket",
            "sun/nio/ch/ServerSocketChannelImpl$1", ""})
    void isTarget_otherType_isFalse(String internalName) {
        assertThat(HookTransformer.isTarget(internalName)).isFalse();
    }

    // ---- weave, on real JDK classes

    @ParameterizedTest
    @ValueSource(strings = {"java/net/ServerSocket", "sun/nio/ch/ServerSocketChannelImpl",
            "sun/nio/ch/AsynchronousServerSocketChannelImpl"})
    void weave_jdkBindType_callsBridgeBeforeEveryReturnOfBind(String type) throws IOException {
        byte[] original = jdkClass(type);

        byte[] woven = HookTransformer.weave(type, original);

        assertThat(woven).isNotNull();
        List<Call> bridgeCalls = staticCalls(woven).stream()
                .filter(c -> c.owner().equals("sun/nio/ch/BeaconBridge") && c.name().equals("bound")).toList();
        assertThat(bridgeCalls).isNotEmpty().allSatisfy(call -> {
            assertThat(call.method()).isEqualTo("bind");
            assertThat(call.descriptor()).startsWith("(Ljava/net/SocketAddress;I)");
            assertThat(call.name()).isEqualTo("bound");
        });
        assertThat(bridgeCalls).hasSize(returns(original, "bind", "(Ljava/net/SocketAddress;I)"));
        assertThat(staticCalls(original)).noneMatch(c -> c.owner().equals("sun/nio/ch/BeaconBridge"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"java/net/ServerSocket:close", "sun/nio/ch/ServerSocketChannelImpl:implCloseSelectableChannel",
            "sun/nio/ch/AsynchronousServerSocketChannelImpl:close"})
    void weave_jdkBindType_callsBridgeBeforeEveryReturnOfItsCloseMethodOnly(String typeAndMethod) throws IOException {
        String type = typeAndMethod.substring(0, typeAndMethod.indexOf(':'));
        String close = typeAndMethod.substring(typeAndMethod.indexOf(':') + 1);
        byte[] original = jdkClass(type);

        byte[] woven = HookTransformer.weave(type, original);

        List<Call> closedCalls = staticCalls(woven).stream()
                .filter(c -> c.owner().equals("sun/nio/ch/BeaconBridge") && c.name().equals("closed")).toList();
        assertThat(closedCalls).isNotEmpty().allSatisfy(call -> {
            assertThat(call.method()).isEqualTo(close);
            assertThat(call.descriptor()).isEqualTo("()V");
        });
        assertThat(closedCalls).hasSize(returns(original, close, "()V"));
        assertThat(staticCalls(woven)).filteredOn(c -> c.owner().equals("sun/nio/ch/BeaconBridge"))
                .extracting(Call::name).containsOnly("bound", "closed", "serving");
    }

    @ParameterizedTest
    @ValueSource(strings = {"java/net/ServerSocket", "sun/nio/ch/ServerSocketChannelImpl",
            "sun/nio/ch/AsynchronousServerSocketChannelImpl", "java/nio/channels/spi/AbstractSelectableChannel"})
    void weave_servingMethods_callBridgeServingWithThisInAcceptOrRegisterOnly(String type) throws IOException {
        byte[] woven = HookTransformer.weave(type, jdkClass(type));

        List<Call> serving = staticCalls(woven).stream()
                .filter(c -> c.owner().equals("sun/nio/ch/BeaconBridge") && c.name().equals("serving")).toList();
        String method = type.endsWith("AbstractSelectableChannel") ? "register" : "accept";
        assertThat(serving).isNotEmpty().allSatisfy(call -> {
            assertThat(call.method()).isEqualTo(method);
            assertThat(call.index()).as("at the entry, after loading this").isEqualTo(1);
        });
    }

    @Test
    void weave_applicationShutdownHooks_callsBridgeFirstInRunHooks() throws IOException {
        byte[] woven = HookTransformer.weave("java/lang/ApplicationShutdownHooks",
                jdkClass("java/lang/ApplicationShutdownHooks"));

        assertThat(woven).isNotNull();
        assertThat(staticCalls(woven)).filteredOn(c -> c.owner().equals("sun/nio/ch/BeaconBridge"))
                .containsExactly(new Call("runHooks", "()V", "sun/nio/ch/BeaconBridge", "shuttingDown", 0));
    }

    @Test
    void weave_targetNameButNoBindMethod_returnsNull() throws IOException {
        assertThat(HookTransformer.weave("java/net/ServerSocket", jdkClass("java/lang/Object"))).isNull();
    }

    @Test
    void weave_socketWithBindOfOtherDescriptor_returnsNull() throws IOException {
        // java.net.Socket has bind(SocketAddress) but is not a bind type
        assertThat(HookTransformer.weave("java/net/Socket", jdkClass("java/net/Socket"))).isNull();
    }

    @Test
    void weave_nettyNamedClassWithoutListen_returnsNull() throws IOException {
        assertThat(HookTransformer.weave("io/netty/channel/unix/Socket", jdkClass("java/lang/Object"))).isNull();
    }

    // ---- transform

    @Test
    void transform_otherType_returnsNullWithoutReadingBytes() {
        HookTransformer transformer = new HookTransformer();

        assertThat(transformer.transform(null, "java/net/Socket", null, null, new byte[]{1, 2, 3})).isNull();
        assertThat(transformer.transform(null, null, null, null, new byte[]{1, 2, 3})).isNull();
        assertThat(transformer.failures).isEmpty();
        assertThat(transformer.woven).isEmpty();
    }

    @Test
    void transform_targetWithUnreadableBytes_returnsNullAndRecordsFailure() {
        HookTransformer transformer = new HookTransformer();

        byte[] result = transformer.transform(null, "java/net/ServerSocket", null, null, new byte[]{1, 2, 3});

        assertThat(result).isNull();
        assertThat(transformer.failures).singleElement().asString().startsWith("java.net.ServerSocket: ");
    }

    @Test
    void transform_target_recordsWovenType() throws IOException {
        HookTransformer transformer = new HookTransformer();

        byte[] result = transformer.transform(null, "java/net/ServerSocket", null, null,
                jdkClass("java/net/ServerSocket"));

        assertThat(result).isNotNull();
        assertThat(transformer.woven).containsExactly("java.net.ServerSocket");
    }

    // ---- Netty, end to end: weave, load, call, and see the socket arrive

    /** Defines the woven fake Netty socket itself; everything else comes from the test's class loader. */
    private static Class<?> defineWoven(byte[] woven) {
        String name = FAKE_NETTY_SOCKET.replace('/', '.');
        ClassLoader loader = new ClassLoader("woven", HookTransformerTest.class.getClassLoader()) {
            @Override
            protected Class<?> loadClass(String className, boolean resolve) throws ClassNotFoundException {
                if (className.equals(name)) {
                    synchronized (getClassLoadingLock(className)) {
                        Class<?> loaded = findLoadedClass(className);
                        return loaded != null ? loaded : defineClass(className, woven, 0, woven.length);
                    }
                }
                return super.loadClass(className, resolve);
            }
        };
        try {
            return loader.loadClass(name);
        } catch (ClassNotFoundException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void weave_nettySocket_listenHandsTheSocketToNettyBridge() throws Exception {
        byte[] woven = HookTransformer.weave(FAKE_NETTY_SOCKET, testClass(FAKE_NETTY_SOCKET));
        assertThat(woven).isNotNull();
        Class<?> type = defineWoven(woven);
        assertThat(type.getClassLoader()).isNotSameAs(HookTransformerTest.class.getClassLoader());
        List<Object> listened = new CopyOnWriteArrayList<>();
        NettyBridge.install(listened::add);
        Object socket = type.getConstructor().newInstance();
        Method listen = type.getMethod("listen", int.class);
        Method backlog = type.getMethod("backlog");

        listen.invoke(socket, 50);

        assertThat(listened).singleElement().isSameAs(socket);
        assertThat(backlog.invoke(socket)).isEqualTo(50);

        listen.invoke(socket, 0); // the early return

        assertThat(listened).hasSize(2).allSatisfy(s -> assertThat(s).isSameAs(socket));
        assertThat(backlog.invoke(socket)).isEqualTo(128);
    }

    @Test
    void weave_nettySocket_listenThatThrowsHandsNothingOver() throws Exception {
        Class<?> type = defineWoven(HookTransformer.weave(FAKE_NETTY_SOCKET, testClass(FAKE_NETTY_SOCKET)));
        List<Object> listened = new CopyOnWriteArrayList<>();
        NettyBridge.install(listened::add);
        Object socket = type.getConstructor().newInstance();

        InvocationTargetException e = assertThrows(InvocationTargetException.class,
                () -> type.getMethod("listen", int.class).invoke(socket, -1));

        assertThat(e.getCause()).hasMessage("backlog must not be negative, but was -1");
        assertThat(listened).isEmpty();
    }

    @Test
    void weave_nettySocket_otherOverloadIsNotHooked() throws Exception {
        Class<?> type = defineWoven(HookTransformer.weave(FAKE_NETTY_SOCKET, testClass(FAKE_NETTY_SOCKET)));
        List<Object> listened = new CopyOnWriteArrayList<>();
        NettyBridge.install(listened::add);

        type.getMethod("listen", long.class).invoke(type.getConstructor().newInstance(), 7L);

        assertThat(listened).isEmpty();
    }

    @Test
    void weave_nettySocket_listenerThatThrowsDoesNotDisturbListen() throws Exception {
        Class<?> type = defineWoven(HookTransformer.weave(FAKE_NETTY_SOCKET, testClass(FAKE_NETTY_SOCKET)));
        NettyBridge.install(s -> {
            throw new IllegalStateException("agent bug");
        });
        Object socket = type.getConstructor().newInstance();

        type.getMethod("listen", int.class).invoke(socket, 9);

        assertThat(type.getMethod("backlog").invoke(socket)).isEqualTo(9);
    }
}
