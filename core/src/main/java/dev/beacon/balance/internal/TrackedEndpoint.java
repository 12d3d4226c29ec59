package dev.beacon.balance.internal;

import dev.beacon.ServiceInstance;
import dev.beacon.balance.Endpoint;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Core's one {@link Endpoint}: the instance, its weight, and call statistics that the discovery client's calls keep
 * up to date ({@link #callStarted()}, {@link #callFinished(long)}): in-flight calls and an exponentially weighted
 * moving average of latency. The copies made by {@link #withWeight} and {@link #withInstance} share the statistics,
 * so they survive snapshot changes. Thread-safe; reads never block.
 *
 * <p>Internal: {@link Endpoint#of} hands it out as a plain {@link Endpoint}, and only the discovery client records
 * calls on it.
 */
public final class TrackedEndpoint implements Endpoint {

    /** Smoothing factor of the latency EWMA: each new sample counts for 30 %. */
    static final double EWMA_ALPHA = 0.3;

    private final ServiceInstance instance;
    private final Optional<ServiceInstance> optionalInstance;
    private final double weight;
    private final AtomicInteger inFlight;
    private final AtomicLong latencyBits;

    private TrackedEndpoint(ServiceInstance instance, double weight, AtomicInteger inFlight, AtomicLong latencyBits) {
        this.instance = Objects.requireNonNull(instance, "instance");
        this.optionalInstance = Optional.of(instance);
        if (!(weight > 0) || Double.isInfinite(weight)) {
            throw new IllegalArgumentException("weight must be positive and finite, but was " + weight);
        }
        this.weight = weight;
        this.inFlight = inFlight;
        this.latencyBits = latencyBits;
    }

    /** An endpoint of weight 1 with fresh statistics. */
    public static TrackedEndpoint of(ServiceInstance instance) {
        return new TrackedEndpoint(instance, 1.0, new AtomicInteger(), new AtomicLong(Double.doubleToRawLongBits(0)));
    }

    /**
     * The same instance and statistics with another weight (slow start, metadata {@code weight}).
     *
     * @throws IllegalArgumentException if {@code newWeight} is not positive and finite
     */
    public TrackedEndpoint withWeight(double newWeight) {
        return newWeight == weight ? this : new TrackedEndpoint(instance, newWeight, inFlight, latencyBits);
    }

    /** The same statistics for an updated instance (status or metadata changed, same id). */
    public TrackedEndpoint withInstance(ServiceInstance updated) {
        return updated.equals(instance) ? this : new TrackedEndpoint(updated, weight, inFlight, latencyBits);
    }

    @Override
    public ServiceInstance instance() {
        return instance;
    }

    /** {@code Optional.of(instance())}, made once, so that lookups returning it do not allocate. */
    public Optional<ServiceInstance> optionalInstance() {
        return optionalInstance;
    }

    @Override
    public double weight() {
        return weight;
    }

    @Override
    public int inFlight() {
        return inFlight.get();
    }

    @Override
    public double latencyNanos() {
        return Double.longBitsToDouble(latencyBits.get());
    }

    /** Records the start of a call. */
    public void callStarted() {
        inFlight.incrementAndGet();
    }

    /** Records the end of a call that took {@code nanos}. */
    public void callFinished(long nanos) {
        inFlight.decrementAndGet();
        long current;
        long next;
        do {
            current = latencyBits.get();
            double average = Double.longBitsToDouble(current);
            double updated = average == 0 ? nanos : average + EWMA_ALPHA * (nanos - average);
            next = Double.doubleToRawLongBits(updated);
        } while (!latencyBits.compareAndSet(current, next));
    }

    @Override
    public String toString() {
        return instance.id() + "@" + instance.address() + "(w=" + weight + ", inFlight=" + inFlight() + ")";
    }
}
