package dev.beacon.client;

import dev.beacon.ServiceInstance;

/**
 * One call to a chosen instance, opened by {@link DiscoveryClient#begin}: counts as in flight until closed, and
 * reports its outcome to the client (least-in-flight and latency-aware balancing, outlier ejection). A call is a
 * success unless {@link #failed()} was called before {@link #close()}. Not thread-safe: one call, one thread.
 *
 * <pre>{@code
 * try (Call call = client.begin("orders")) {
 *     send(call.instance());
 * } catch (IOException e) {
 *     // the catch runs after close(): mark the failure inside the try instead
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
