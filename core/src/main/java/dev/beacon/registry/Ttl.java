package dev.beacon.registry;

import dev.beacon.support.Durations;
import dev.beacon.support.Texts;

import java.time.Duration;

/**
 * The bounds of a lease, the same for every registry, the agent, the command line and the HTTP API: from
 * {@linkplain #MIN one second} to {@linkplain #MAX one day}.
 *
 * <p>One second is the floor because a lease must outlive a heartbeat's round trip plus a stop-the-world pause of
 * the registrant: the heartbeat runs every third of the ttl, so a shorter lease would be lost to one slow GC or one
 * Redis fail-over. One day is the ceiling because an instance that stops renewing for longer is gone, and a manual
 * entry for something that cannot heartbeat is re-registered by whoever manages it.
 */
public final class Ttl {

    /** The shortest lease: one second. */
    public static final Duration MIN = Duration.ofSeconds(1);
    /** The longest lease: one day. */
    public static final Duration MAX = Duration.ofDays(1);

    private Ttl() {
    }

    /**
     * Returns {@code ttl} when it is within the bounds.
     *
     * @throws IllegalArgumentException naming the value and the bounds
     */
    public static Duration check(Duration ttl) {
        if (ttl == null || ttl.compareTo(MIN) < 0 || ttl.compareTo(MAX) > 0) {
            throw outOfBounds(ttl == null ? "null" : Texts.quote(Durations.format(ttl)));
        }
        return ttl;
    }

    /**
     * Parses a ttl written in Beacon's {@linkplain Durations duration grammar} and checks its bounds.
     *
     * @throws IllegalArgumentException naming the value and what is expected
     */
    public static Duration parse(String text) {
        Duration ttl = Durations.parse("ttl", text);
        if (ttl.compareTo(MIN) < 0 || ttl.compareTo(MAX) > 0) {
            throw outOfBounds(Texts.quote(text));
        }
        return ttl;
    }

    /**
     * A ttl given as a number of seconds (a JSON number), checked against the bounds without overflowing.
     *
     * @throws IllegalArgumentException naming the value and the bounds
     */
    public static Duration ofSeconds(long seconds) {
        if (seconds < MIN.getSeconds() || seconds > MAX.getSeconds()) {
            throw outOfBounds(Texts.quote(seconds + ""));
        }
        return Duration.ofSeconds(seconds);
    }

    private static IllegalArgumentException outOfBounds(String shown) {
        return new IllegalArgumentException("ttl must be between " + Durations.format(MIN) + " and "
                + Durations.format(MAX) + ", but was " + shown);
    }
}
