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
 * be free on the app's main thread, where premain runs. Its three fields are the agent's one documented piece of
 * mutable static state.
 */
final class BridgeClass {

    /** The bridge's name: in {@code java.base}'s {@code sun.nio.ch}, which {@code BindHooks} opens to the agent. */
    static final String NAME = "sun/nio/ch/BeaconBridge";
    static final String ON_BIND = "onBind";
    static final String ON_SHUTDOWN = "onShutdown";
    static final String ON_CLOSE = "onClose";

    /** Java 17 class file of {@link #NAME}, Base64; see {@code BridgeClassTest#constant_isWhatAsmWrites}. */
    static final String CLASS_FILE = "yv66vgAAAD0AIwEAF3N1bi9uaW8vY2gvQmVhY29uQnJpZGdlBwABAQAQamF2YS9sYW5nL09iamVjdAcAAwEABm9uQmluZAEAHUxq"
            + "YXZhL3V0aWwvZnVuY3Rpb24vQ29uc3VtZXI7AQAKb25TaHV0ZG93bgEAFExqYXZhL2xhbmcvUnVubmFibGU7AQAHb25DbG9zZQEA"
            + "BWJvdW5kAQAVKExqYXZhL2xhbmcvT2JqZWN0OylWAQATamF2YS9sYW5nL1Rocm93YWJsZQcADAwABQAGCQACAA4BABtqYXZhL3V0"
            + "aWwvZnVuY3Rpb24vQ29uc3VtZXIHABABAAZhY2NlcHQMABIACwsAEQATAQAMc2h1dHRpbmdEb3duAQADKClWDAAHAAgJAAIAFwEA"
            + "EmphdmEvbGFuZy9SdW5uYWJsZQcAGQEAA3J1bgwAGwAWCwAaABwBAAZjbG9zZWQMAAkABgkAAgAfAQAEQ29kZQEADVN0YWNrTWFw"
            + "VGFibGUAMQACAAQAAAADAEkABQAGAAAASQAHAAgAAABJAAkABgAAAAMACQAKAAsAAQAhAAAATQACAAIAAAAUsgAPTCvGAA4rKrkA"
            + "FAIApwAEV7EAAQAIAA8AEgANAAEAIgAAAB8AAv8AEgACBwAEBwARAAEHAA3/AAAAAgcABAcAEQAAAAkAFQAWAAEAIQAAAEYAAQAB"
            + "AAAAE7IAGEsqxgANKrkAHQEApwAEV7EAAQAIAA4AEQANAAEAIgAAABkAAv8AEQABBwAaAAEHAA3/AAAAAQcAGgAAAAkAHgALAAEA"
            + "IQAAAE0AAgACAAAAFLIAIEwrxgAOKyq5ABQCAKcABFexAAEACAAPABIADQABACIAAAAfAAL/ABIAAgcABAcAEQABBwAN/wAAAAIH"
            + "AAQHABEAAAAA";

    private BridgeClass() {
    }

    static byte[] bytes() {
        return Base64.getDecoder().decode(CLASS_FILE);
    }
}
