package dev.beacon.balance;

import dev.beacon.ServiceInstance;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One instance as the balancers see it: the instance, its effective weight, and live call statistics that the
 * discovery client's call handles keep up to date (in-flight calls, an exponentially weighted moving average of call
 * latency). The statistics are shared by every snapshot that contains the same instance, so they survive membership
 * changes. Thread-safe; reads never block.
 */
public final class Endpoint {

    /** Smoothing factor of the latency EWMA: each new sample counts for 30 %. */
    static final double EWMA_ALPHA = 0.3;

    private final ServiceInstance instance;
    private final java.util.Optional<ServiceInstance> optionalInstance;
    private final double weight;
    private final AtomicInteger inFlight;
    private final AtomicLong latencyBits;

    /** An endpoint of weight 1 with fresh statistics. */
    public static Endpoint of(ServiceInstance instance) {
        return new Endpoint(instance, 1.0, new AtomicInteger(), new AtomicLong(Double.doubleToRawLongBits(0)));
    }

    private Endpoint(ServiceInstance instance, double weight, AtomicInteger inFlight, AtomicLong latencyBits) {
        this.instance = Objects.requireNonNull(instance, "instance");
        this.optionalInstance = java.util.Optional.of(instance);
        if (!(weight > 0) || Double.isInfinite(weight)) {
            throw new IllegalArgumentException("weight must be positive and finite, but was " + weight);
        }
        this.weight = weight;
        this.inFlight = inFlight;
        this.latencyBits = latencyBits;
    }

    /** The same instance and statistics with another weight (slow start, metadata {@code weight}). */
    public Endpoint withWeight(double newWeight) {
        return newWeight == weight ? this : new Endpoint(instance, newWeight, inFlight, latencyBits);
    }

    /** The same statistics for an updated instance (status or metadata changed, same id). */
    public Endpoint withInstance(ServiceInstance updated) {
        return updated.equals(instance) ? this : new Endpoint(updated, weight, inFlight, latencyBits);
    }

    public ServiceInstance instance() {
        return instance;
    }

    /** {@code Optional.of(instance())}, made once, so that lookups returning it do not allocate. */
    public java.util.Optional<ServiceInstance> optionalInstance() {
        return optionalInstance;
    }

    /** The effective weight, {@code > 0}; 1 unless the client set another. */
    public double weight() {
        return weight;
    }

    /** Calls started on this endpoint and not yet finished. */
    public int inFlight() {
        return inFlight.get();
    }

    /** The moving average of call latency in nanoseconds; 0 before the first sample. */
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
