package dev.beacon.server.internal;

import java.util.List;
import java.util.Set;

/** The routes of the HTTP API; the template is also the {@code route} label of the metrics. */
enum Route {
    INDEX("/", "GET, HEAD"),
    HEALTH("/health", "GET, HEAD"),
    METRICS("/metrics", "GET, HEAD"),
    EVENTS("/events", "GET, HEAD"),
    SERVICES("/services", "GET, HEAD"),
    SERVICE("/services/{name}", "GET, HEAD"),
    PICK("/services/{name}/instance", "GET, HEAD"),
    SERVICE_EVENTS("/services/{name}/events", "GET, HEAD"),
    INSTANCE("/services/{name}/instances/{id}", "GET, HEAD, PUT, DELETE"),
    HEARTBEAT("/services/{name}/instances/{id}/heartbeat", "PUT"),
    MAINTENANCE("/services/{name}/instances/{id}/maintenance", "PUT, DELETE"),
    PROMETHEUS_TARGETS("/prometheus/targets", "GET, HEAD"),
    UNMATCHED("unmatched", "");

    private final String template;
    private final String allow;
    private final Set<String> methods;

    Route(String template, String allow) {
        this.template = template;
        this.allow = allow;
        this.methods = allow.isEmpty() ? Set.of() : Set.of(allow.split(", "));
    }

    /** The route a decoded path belongs to, by its shape alone (names are checked by the route). */
    public static Route match(List<String> segments) {
        int size = segments.size();
        if (size == 0) {
            return INDEX;
        }
        String first = segments.get(0);
        if (size == 1) {
            return switch (first) {
                case "health" -> HEALTH;
                case "metrics" -> METRICS;
                case "events" -> EVENTS;
                case "services" -> SERVICES;
                default -> UNMATCHED;
            };
        }
        if (size == 2 && first.equals("prometheus")) {
            return segments.get(1).equals("targets") ? PROMETHEUS_TARGETS : UNMATCHED;
        }
        if (!first.equals("services")) {
            return UNMATCHED;
        }
        if (size == 2) {
            return SERVICE;
        }
        String third = segments.get(2);
        if (size == 3) {
            return third.equals("instance") ? PICK : third.equals("events") ? SERVICE_EVENTS : UNMATCHED;
        }
        if (!third.equals("instances")) {
            return UNMATCHED;
        }
        if (size == 4) {
            return INSTANCE;
        }
        if (size == 5 && segments.get(4).equals("maintenance")) {
            return MAINTENANCE;
        }
        return size == 5 && segments.get(4).equals("heartbeat") ? HEARTBEAT : UNMATCHED;
    }

    public String template() {
        return template;
    }

    /** The {@code Allow} header value. */
    public String allow() {
        return allow;
    }

    public boolean allows(String method) {
        return methods.contains(method);
    }

    /** Whether the route changes the registry (and needs the token when one is set). */
    public boolean writes(String method) {
        return method.equals("PUT") || method.equals("DELETE");
    }

    /** Every route template, for the 404 message. */
    public static String summary() {
        return "GET /services, GET /services/{name}, GET /services/{name}/instance, GET /services/{name}/events, "
                + "GET /events, PUT|DELETE /services/{name}/instances/{id}, "
                + "PUT /services/{name}/instances/{id}/heartbeat, PUT|DELETE /services/{name}/instances/{id}/maintenance, "
                + "GET /health, GET /metrics, GET /prometheus/targets";
    }
}
