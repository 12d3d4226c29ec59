package dev.beacon;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Clock} that stands still until a test moves it. Thread-safe: a registry's background threads read it while
 * the test thread advances it. Clocks made by {@link #withZone} share this clock's time.
 */
public final class MutableClock extends Clock {

    private final AtomicLong millis;
    private final ZoneId zone;

    /** A clock at {@code start}, in UTC. */
    public MutableClock(Instant start) {
        this(new AtomicLong(start.toEpochMilli()), ZoneOffset.UTC);
    }

    /** A clock at the current system time, in UTC, so that file times and lease deadlines are comparable. */
    public static MutableClock atSystemTime() {
        return new MutableClock(Instant.now());
    }

    private MutableClock(AtomicLong millis, ZoneId zone) {
        this.millis = millis;
        this.zone = Objects.requireNonNull(zone, "zone");
    }

    /** Moves the clock forward by {@code duration}. */
    public void advance(Duration duration) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("a clock only moves forward, but duration was " + duration);
        }
        millis.addAndGet(duration.toMillis());
    }

    @Override
    public long millis() {
        return millis.get();
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis.get());
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    @Override
    public Clock withZone(ZoneId newZone) {
        return new MutableClock(millis, newZone);
    }

    @Override
    public String toString() {
        return "MutableClock[" + instant() + "]";
    }
}
