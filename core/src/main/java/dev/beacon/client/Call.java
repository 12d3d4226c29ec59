package dev.beacon.client;

import dev.beacon.ServiceInstance;

/**
 * One call to a chosen instance, opened by {@link DiscoveryClient#begin}: counts as in flight until closed, and
 * reports its outcome to the client (least-in-flight and latency-aware balancing, outlier ejection). A call is a
 * success unless {@link #failed()} was called before {@link #close()}. Not thread-safe: one call, one thread.
 *
 * <p>An exception that leaves the {@code try} without {@link #failed()} counts as a success, because
 * {@link #close()} cannot see it (and a {@code catch} of the same statement runs after {@code close()}). Prefer
 * {@link DiscoveryClient#call(String, InstanceFunction)}, which records a thrown exception as a failure itself; use a
 * {@code Call} when the code decides what a failure is, and mark it inside the {@code try}:
 *
 * <pre>{@code
 * try (Call call = client.begin("orders")) {
 *     try {
 *         HttpResponse<String> response = send(call.instance());
 *         if (response.statusCode() >= 500) {
 *             call.failed();
 *         }
 *     } catch (IOException | RuntimeException e) {
 *         call.failed();
 *         throw e;
 *     }
 * }
 * }</pre>
 */
public interface Call extends AutoCloseable {

    /** The instance to call. */
    ServiceInstance instance();

    /** Marks this call failed (connection refused, timeout, 5xx): counts towards the instance's ejection. */
    void failed();

    /** Ends the call and reports its outcome and latency; idempotent. */
    @Override
    void close();
}
