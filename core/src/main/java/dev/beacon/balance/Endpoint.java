package dev.beacon.balance;

import dev.beacon.ServiceInstance;
import dev.beacon.balance.internal.TrackedEndpoint;

/**
 * One instance as the balancers see it: the instance, its effective weight, and the live call statistics that
 * load-aware balancers read (calls in flight, a moving average of call latency).
 *
 * <p>The discovery client makes its own endpoints and keeps their statistics up to date from the calls made through
 * {@code DiscoveryClient.call} and {@code begin}; the statistics of an instance are kept while it stays in the
 * snapshot, whatever else changes. {@link #of} makes an endpoint for using a balancer over a list of one's own; its
 * statistics stay at zero. An application that tracks calls itself may implement this interface to feed its own
 * figures to the balancers.
 *
 * <p>Implementations are thread-safe and their reads never block: balancers read them on every choice, from any
 * number of threads.
 */
public interface Endpoint {

    /** The instance. */
    ServiceInstance instance();

    /**
     * The effective weight, positive and finite: 1 unless the client (metadata {@code weight}, slow start) or the
     * maker of the endpoint set another.
     */
    double weight();

    /** Calls started on this endpoint and not yet finished; 0 when not tracked. */
    int inFlight();

    /** The moving average of call latency in nanoseconds; 0 when there is no sample yet or calls are not tracked. */
    double latencyNanos();

    /** An endpoint of weight 1 whose statistics stay at zero. */
    static Endpoint of(ServiceInstance instance) {
        return TrackedEndpoint.of(instance);
    }

    /**
     * An endpoint of {@code weight} whose statistics stay at zero.
     *
     * @throws IllegalArgumentException if {@code weight} is not positive and finite
     */
    static Endpoint of(ServiceInstance instance, double weight) {
        return TrackedEndpoint.of(instance).withWeight(weight);
    }
}
