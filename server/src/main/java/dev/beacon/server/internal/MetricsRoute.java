package dev.beacon.server.internal;

import dev.beacon.ServiceInstance;
import dev.beacon.registry.ServiceRegistry;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code GET /metrics}: the {@link Metrics} in Prometheus' text format, with the registry's instances, the watcher's
 * event counts, the open event streams and the refused connections read at each scrape. Thread-safe.
 */
final class MetricsRoute {

    private final ServiceRegistry registry;
    private final Metrics metrics;
    private final ServiceWatcher watcher;
    private final EventRoutes events;
    private final WorkerPool pool;

    MetricsRoute(ServiceRegistry registry, Metrics metrics, ServiceWatcher watcher, EventRoutes events,
                 WorkerPool pool) {
        this.registry = registry;
        this.metrics = metrics;
        this.watcher = watcher;
        this.events = events;
        this.pool = pool;
    }

    Reply metrics(RequestTarget target) {
        target.allowOnly(Set.of(), null);
        Map<String, List<ServiceInstance>> snapshot;
        try {
            snapshot = registry.snapshot();
        } catch (RuntimeException e) {
            snapshot = null; // rendered as beacon_registry_up 0
        }
        return Reply.text("text/plain; version=0.0.4; charset=utf-8", metrics.render(snapshot, watcher.counts(),
                watcher.watched(), events.openStreams(), pool.rejected()));
    }
}
