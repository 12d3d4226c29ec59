package dev.beacon.agent.it;

import net.bytebuddy.ByteBuddy;
import net.bytebuddy.implementation.FixedValue;

import java.util.concurrent.atomic.AtomicInteger;

import static net.bytebuddy.matcher.ElementMatchers.named;

/**
 * An app that ships its own, older Byte Buddy and uses it at run time, run by {@link LibraryIsolationIT} with the
 * agent (whose Byte Buddy is a newer, relocated copy). Makes a subclass before it listens and one more on every
 * {@code GET /}, and answers with that class's {@code toString()}. Prints {@code bytebuddy <jar>} (where its Byte Buddy
 * came from) and {@code listening on <port>}.
 */
public final class ByteBuddyApp {

    private static final AtomicInteger MADE = new AtomicInteger();

    private ByteBuddyApp() {
    }

    public static void main(String[] args) throws Exception {
        System.out.println("bytebuddy " + ByteBuddy.class.getProtectionDomain().getCodeSource().getLocation());
        System.out.println("made " + make());
        PlainHttpApp.serve(path -> make());
    }

    /** A new class from the app's Byte Buddy, loaded, instantiated; returns its {@code toString()}. */
    private static String make() throws Exception {
        int n = MADE.incrementAndGet();
        Class<?> type = new ByteBuddy().subclass(Object.class)
                .name(ByteBuddyApp.class.getName() + "$Made" + n)
                .method(named("toString")).intercept(FixedValue.value("made by the app's Byte Buddy #" + n))
                .make()
                .load(ByteBuddyApp.class.getClassLoader())
                .getLoaded();
        return type.getDeclaredConstructor().newInstance().toString();
    }
}
