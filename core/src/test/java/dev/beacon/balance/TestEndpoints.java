package dev.beacon.balance;

import dev.beacon.ServiceInstance;
import dev.beacon.Status;
import dev.beacon.balance.internal.TrackedEndpoint;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Endpoint lists for the balancer tests: ids {@code i-0}, {@code i-1}, … on distinct addresses. The endpoints are the
 * ones the discovery client uses ({@link TrackedEndpoint}), so that tests can record calls on them as the client does.
 */
final class TestEndpoints {

    private TestEndpoints() {
    }

    static Endpoint endpoint(int i) {
        return endpoint("i-" + i, Map.of());
    }

    static Endpoint endpoint(String id, Map<String, String> metadata) {
        return endpoint(id, metadata, Status.UP);
    }

    static Endpoint endpoint(String id, Map<String, String> metadata, Status status) {
        return Endpoint.of(ServiceInstance.builder("orders").id(id).host("10.0.0.1")
                .port(1000 + Math.floorMod(id.hashCode(), 60_000)).metadata(metadata).status(status).build());
    }

    /** {@code n} endpoints of weight 1, as an immutable list (like a snapshot's). */
    static List<Endpoint> endpoints(int n) {
        List<Endpoint> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(endpoint(i));
        }
        return List.copyOf(list);
    }

    /** Endpoints with these weights, in order. */
    static List<Endpoint> weighted(double... weights) {
        List<Endpoint> list = new ArrayList<>();
        for (int i = 0; i < weights.length; i++) {
            list.add(withWeight(endpoint(i), weights[i]));
        }
        return List.copyOf(list);
    }

    /** Sets the endpoint's in-flight count to {@code count} (from 0). */
    static Endpoint busy(Endpoint endpoint, int count) {
        for (int i = 0; i < count; i++) {
            started(endpoint);
        }
        return endpoint;
    }

    /** Records the start of a call, as the client does. */
    static void started(Endpoint endpoint) {
        ((TrackedEndpoint) endpoint).callStarted();
    }

    /** Records the end of a call that took {@code nanos}, as the client does. */
    static void finished(Endpoint endpoint, long nanos) {
        ((TrackedEndpoint) endpoint).callFinished(nanos);
    }

    /** The same endpoint and statistics with another weight. */
    static Endpoint withWeight(Endpoint endpoint, double weight) {
        return ((TrackedEndpoint) endpoint).withWeight(weight);
    }

    /**
     * Pearson's chi-square statistic of {@code observed} counts against {@code expected} counts.
     */
    static double chiSquare(long[] observed, double[] expected) {
        double sum = 0;
        for (int i = 0; i < observed.length; i++) {
            double d = observed[i] - expected[i];
            sum += d * d / expected[i];
        }
        return sum;
    }

    /** How often each endpoint of {@code endpoints} was chosen in {@code calls} calls with a null key. */
    static long[] counts(LoadBalancer balancer, List<Endpoint> endpoints, int calls) {
        long[] counts = new long[endpoints.size()];
        for (int i = 0; i < calls; i++) {
            counts[endpoints.indexOf(balancer.choose(endpoints, null))]++;
        }
        return counts;
    }
}
