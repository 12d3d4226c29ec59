package dev.beacon.agent.instrument;

import java.util.Base64;

/**
 * The class file of the bridge from woven JDK code to the agent, {@code sun.nio.ch.BeaconBridge}: a class that
 * references {@code java.base} types only, so it can be defined inside {@code java.base}, where the instrumented
 * {@code bind} methods and {@code ApplicationShutdownHooks} can see it. As Java it reads:
 * <pre>{@code
 * public final class BeaconBridge {
 *     public static volatile Consumer<Object> onBind;     // receives every bound server socket or channel
 *     public static volatile Runnable onShutdown;         // runs once at the start of the application shutdown hooks
 *     public static volatile Consumer<Object> onClose;    // receives every server socket or channel just closed
 *
 *     public static void bound(Object socket) {           // woven at the exits of the server sockets' bind methods
 *         Consumer<Object> listener = onBind;
 *         if (listener != null) {
 *             try { listener.accept(socket); } catch (Throwable ignored) { }   // never disturb the app's bind
 *         }
 *     }
 *
 *     public static void closed(Object socket) {          // woven at the exits of the server sockets' close methods
 *         Consumer<Object> listener = onClose;
 *         if (listener != null) {
 *             try { listener.accept(socket); } catch (Throwable ignored) { }   // never disturb the app's close
 *         }
 *     }
 *
 *     public static volatile Consumer<Object> onServe;    // receives every channel accepted on or registered
 *
 *     public static void serving(Object socket) {         // woven at the entries of accept and register
 *         Consumer<Object> listener = onServe;
 *         if (listener != null) {
 *             try { listener.accept(socket); } catch (Throwable ignored) { }   // never disturb the app's accept
 *         }
 *     }
 *
 *     public static void shuttingDown() {                 // woven at the entry of ApplicationShutdownHooks#runHooks
 *         Runnable listener = onShutdown;
 *         if (listener != null) {
 *             try { listener.run(); } catch (Throwable ignored) { }            // never stop the app's shutdown
 *         }
 *     }
 * }
 * }</pre>
 * The bytes are a constant, written by {@code BridgeClassTest} with ASM, which checks that they are still what it
 * writes (and prints the new constant when they are not). Neither reading a class file back from the agent jar (a
 * resource lookup through every JDK module) nor writing one at startup (loading and verifying ASM's writer) would
 * be free on the app's main thread, where premain runs. Its four fields are the agent's one documented piece of
 * mutable static state.
 */
final class BridgeClass {

    /** The bridge's name: in {@code java.base}'s {@code sun.nio.ch}, which {@code BindHooks} opens to the agent. */
    static final String NAME = "sun/nio/ch/BeaconBridge";
    static final String ON_BIND = "onBind";
    static final String ON_SHUTDOWN = "onShutdown";
    static final String ON_CLOSE = "onClose";
    static final String ON_SERVE = "onServe";

    /** Java 17 class file of {@link #NAME}, Base64; see {@code BridgeClassTest#constant_isWhatAsmWrites}. */
    static final String CLASS_FILE = "yv66vgAAAD0AJwEAF3N1bi9uaW8vY2gvQmVhY29uQnJpZGdlBwABAQAQamF2YS9sYW5nL09iamVjdAcAAwEABm9uQmluZAEAHUxqYXZh"
            + "L3V0aWwvZnVuY3Rpb24vQ29uc3VtZXI7AQAKb25TaHV0ZG93bgEAFExqYXZhL2xhbmcvUnVubmFibGU7AQAHb25DbG9zZQEAB29uU2Vy"
            + "dmUBAAVib3VuZAEAFShMamF2YS9sYW5nL09iamVjdDspVgEAE2phdmEvbGFuZy9UaHJvd2FibGUHAA0MAAUABgkAAgAPAQAbamF2YS91"
            + "dGlsL2Z1bmN0aW9uL0NvbnN1bWVyBwARAQAGYWNjZXB0DAATAAwLABIAFAEADHNodXR0aW5nRG93bgEAAygpVgwABwAICQACABgBABJq"
            + "YXZhL2xhbmcvUnVubmFibGUHABoBAANydW4MABwAFwsAGwAdAQAGY2xvc2VkDAAJAAYJAAIAIAEAB3NlcnZpbmcMAAoABgkAAgAjAQAE"
            + "Q29kZQEADVN0YWNrTWFwVGFibGUAMQACAAQAAAAEAEkABQAGAAAASQAHAAgAAABJAAkABgAAAEkACgAGAAAABAAJAAsADAABACUAAABN"
            + "AAIAAgAAABSyABBMK8YADisquQAVAgCnAARXsQABAAgADwASAA4AAQAmAAAAHwAC/wASAAIHAAQHABIAAQcADv8AAAACBwAEBwASAAAA"
            + "CQAWABcAAQAlAAAARgABAAEAAAATsgAZSyrGAA0quQAeAQCnAARXsQABAAgADgARAA4AAQAmAAAAGQAC/wARAAEHABsAAQcADv8AAAAB"
            + "BwAbAAAACQAfAAwAAQAlAAAATQACAAIAAAAUsgAhTCvGAA4rKrkAFQIApwAEV7EAAQAIAA8AEgAOAAEAJgAAAB8AAv8AEgACBwAEBwAS"
            + "AAEHAA7/AAAAAgcABAcAEgAAAAkAIgAMAAEAJQAAAE0AAgACAAAAFLIAJEwrxgAOKyq5ABUCAKcABFexAAEACAAPABIADgABACYAAAAf"
            + "AAL/ABIAAgcABAcAEgABBwAO/wAAAAIHAAQHABIAAAAA";

    private BridgeClass() {
    }

    static byte[] bytes() {
        return Base64.getDecoder().decode(CLASS_FILE);
    }
}
