package dev.beacon.server.internal;

import dev.beacon.ServiceInstance;
import dev.beacon.Status;
import dev.beacon.registry.RegistryEvent;

import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * The server's counters and request-latency histograms, rendered in the Prometheus text exposition format (0.0.4).
 * Label values come only from bounded sets (route templates, a fixed method list, status codes, service names the
 * registry lists), never from raw request input. Thread-safe; recording never blocks.
 */
final class Metrics {

    /** Histogram bucket bounds in seconds. */
    static final double[] BUCKETS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "PUT", "DELETE", "POST", "PATCH", "OPTIONS");

    private final Map<String, Histogram> latencies = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> requests = new ConcurrentHashMap<>();
    private final LongAdder apiRegistrations = new LongAdder();
    private final LongAdder apiDeregistrations = new LongAdder();
    private final LongAdder heartbeatsRenewed = new LongAdder();
    private final LongAdder heartbeatsUnknown = new LongAdder();
    private final LongAdder unauthorized = new LongAdder();

    /** Records one request: {@code code} is the status sent, or {@code "aborted"} when none could be sent. */
    public void observe(String method, String route, String code, long nanos) {
        String shownMethod = METHODS.contains(method) ? method : "other";
        String labels = "method=\"" + shownMethod + "\",route=\"" + escape(route) + "\"";
        latencies.computeIfAbsent(labels, l -> new Histogram()).observe(nanos / 1e9);
        requests.computeIfAbsent(labels + ",code=\"" + escape(code) + "\"", l -> new LongAdder()).increment();
    }

    public void registered() {
        apiRegistrations.increment();
    }

    public void deregistered() {
        apiDeregistrations.increment();
    }

    public void heartbeat(boolean renewed) {
        (renewed ? heartbeatsRenewed : heartbeatsUnknown).increment();
    }

    public void unauthorized() {
        unauthorized.increment();
    }

    /**
     * Renders every metric.
     *
     * @param snapshot     the registry's services and instances, or {@code null} when it could not be read
     * @param events       per service, the registry events the server's watches have seen
     * @param watched      how many services the server watches
     * @param eventStreams open Server-Sent Events streams
     * @param rejected     connections refused because the worker pool was full
     */
    public String render(Map<String, List<ServiceInstance>> snapshot,
                         Map<String, EnumMap<RegistryEvent.Type, Long>> events,
                         int watched, int eventStreams, long rejected) {
        StringBuilder out = new StringBuilder(4096);
        header(out, "beacon_registry_up", "gauge", "1 if the registry answered the last read, else 0.");
        out.append("beacon_registry_up ").append(snapshot == null ? 0 : 1).append('\n');
        if (snapshot != null) {
            header(out, "beacon_instances", "gauge", "Live instances per service and status.");
            snapshot.forEach((service, instances) -> {
                EnumMap<Status, Integer> counts = new EnumMap<>(Status.class);
                for (Status status : Status.values()) {
                    counts.put(status, 0);
                }
                instances.forEach(instance -> counts.merge(instance.status(), 1, Integer::sum));
                counts.forEach((status, count) -> out.append("beacon_instances{service=\"").append(escape(service))
                        .append("\",status=\"").append(status.name()).append("\"} ").append(count).append('\n'));
            });
        }
        eventCounter(out, events, RegistryEvent.Type.REGISTERED, "beacon_registrations_total",
                "Instances registered (or first seen by the service scan), from the server's registry watches.");
        eventCounter(out, events, RegistryEvent.Type.UPDATED, "beacon_updates_total",
                "Instances whose status, address, ports or metadata changed, from the server's registry watches.");
        eventCounter(out, events, RegistryEvent.Type.DEREGISTERED, "beacon_deregistrations_total",
                "Instances removed by their owner, from the server's registry watches.");
        eventCounter(out, events, RegistryEvent.Type.EXPIRED, "beacon_expirations_total",
                "Instances whose lease ran out, from the server's registry watches.");
        header(out, "beacon_watched_services", "gauge", "Services the server watches for events.");
        out.append("beacon_watched_services ").append(watched).append('\n');

        counter(out, "beacon_api_registrations_total", "Registrations through PUT /services/{name}/instances/{id}.",
                apiRegistrations.sum());
        counter(out, "beacon_api_deregistrations_total",
                "Deregistrations through DELETE /services/{name}/instances/{id} that removed a live instance.",
                apiDeregistrations.sum());
        header(out, "beacon_api_heartbeats_total", "counter",
                "Heartbeats through PUT /services/{name}/instances/{id}/heartbeat, by result.");
        out.append("beacon_api_heartbeats_total{result=\"renewed\"} ").append(heartbeatsRenewed.sum()).append('\n');
        out.append("beacon_api_heartbeats_total{result=\"unknown\"} ").append(heartbeatsUnknown.sum()).append('\n');
        counter(out, "beacon_http_unauthorized_total", "Write requests refused for a missing or wrong token.",
                unauthorized.sum());
        counter(out, "beacon_http_rejected_connections_total",
                "Connections closed unanswered because every worker was busy and the queue was full.", rejected);
        header(out, "beacon_http_event_streams", "gauge", "Open Server-Sent Events streams.");
        out.append("beacon_http_event_streams ").append(eventStreams).append('\n');

        header(out, "beacon_http_requests_total", "counter", "HTTP requests by method, route and status code.");
        new TreeMap<>(snapshotOf(requests)).forEach((labels, count) ->
                out.append("beacon_http_requests_total{").append(labels).append("} ").append(count).append('\n'));
        header(out, "beacon_http_request_duration_seconds", "histogram",
                "Time to answer a request (for event streams: until the stream started), by method and route.");
        new TreeMap<>(latencies).forEach((labels, histogram) -> histogram.render(out, labels));
        return out.toString();
    }

    private static Map<String, Long> snapshotOf(Map<String, LongAdder> adders) {
        Map<String, Long> values = new TreeMap<>();
        adders.forEach((key, adder) -> values.put(key, adder.sum()));
        return values;
    }

    private static void eventCounter(StringBuilder out, Map<String, EnumMap<RegistryEvent.Type, Long>> events,
                                     RegistryEvent.Type type, String name, String help) {
        header(out, name, "counter", help);
        new TreeMap<>(events).forEach((service, counts) -> out.append(name).append("{service=\"")
                .append(escape(service)).append("\"} ").append(counts.getOrDefault(type, 0L)).append('\n'));
    }

    private static void counter(StringBuilder out, String name, String help, long value) {
        header(out, name, "counter", help);
        out.append(name).append(' ').append(value).append('\n');
    }

    private static void header(StringBuilder out, String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    /** Escapes a label value: backslash, double quote and newline. */
    static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    private static String number(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return String.format(Locale.ROOT, "%s", value);
    }

    /** A cumulative histogram with {@link #BUCKETS}. */
    private static final class Histogram {
        private final LongAdder[] buckets = new LongAdder[BUCKETS.length];
        private final LongAdder count = new LongAdder();
        private final DoubleAdder sum = new DoubleAdder();

        Histogram() {
            for (int i = 0; i < buckets.length; i++) {
                buckets[i] = new LongAdder();
            }
        }

        void observe(double seconds) {
            for (int i = 0; i < BUCKETS.length; i++) {
                if (seconds <= BUCKETS[i]) {
                    buckets[i].increment();
                    break;
                }
            }
            count.increment();
            sum.add(seconds);
        }

        void render(StringBuilder out, String labels) {
            long cumulative = 0;
            long total = count.sum();
            for (int i = 0; i < BUCKETS.length; i++) {
                cumulative += buckets[i].sum();
                out.append("beacon_http_request_duration_seconds_bucket{").append(labels).append(",le=\"")
                        .append(number(BUCKETS[i])).append("\"} ").append(Math.min(cumulative, total)).append('\n');
            }
            out.append("beacon_http_request_duration_seconds_bucket{").append(labels).append(",le=\"+Inf\"} ")
                    .append(total).append('\n');
            out.append("beacon_http_request_duration_seconds_sum{").append(labels).append("} ")
                    .append(number(sum.sum())).append('\n');
            out.append("beacon_http_request_duration_seconds_count{").append(labels).append("} ")
                    .append(total).append('\n');
        }
    }
}
