package dev.beacon.server.internal;

import com.sun.net.httpserver.HttpExchange;
import dev.beacon.ServiceInstance;

import java.io.IOException;
import java.util.List;

/**
 * Hands a matched request to the route family that answers it, with the service name and instance id of the path
 * validated. Ends the read phase of every request but a registration or a maintenance before its route runs: with no
 * body left to read, only the registry's time counts from then on. Thread-safe.
 */
final class Router {

    private final ReadRoutes reads;
    private final RegistrationRoutes registrations;
    private final MaintenanceRoutes maintenance;
    private final EventRoutes events;
    private final HealthRoute health;
    private final MetricsRoute metrics;
    private final DashboardRoute dashboard;
    private final PrometheusTargetsRoute prometheus;
    private final WorkerPool pool;
    private final int maxBodyBytes;

    Router(ReadRoutes reads, RegistrationRoutes registrations, MaintenanceRoutes maintenance, EventRoutes events,
           HealthRoute health, MetricsRoute metrics, DashboardRoute dashboard, PrometheusTargetsRoute prometheus,
           WorkerPool pool, int maxBodyBytes) {
        this.reads = reads;
        this.registrations = registrations;
        this.maintenance = maintenance;
        this.events = events;
        this.health = health;
        this.metrics = metrics;
        this.dashboard = dashboard;
        this.prometheus = prometheus;
        this.pool = pool;
        this.maxBodyBytes = maxBodyBytes;
    }

    /** The reply of {@code route}, which allows {@code method} and whose token check passed. */
    Reply route(HttpExchange exchange, String method, Route route, RequestTarget target) throws IOException {
        List<String> segments = target.segments();
        String service = segments.size() > 1 ? ServiceInstance.checkServiceName(segments.get(1)) : null;
        String id = segments.size() > 3 ? ServiceInstance.checkInstanceId(segments.get(3)) : null;
        if (!((route == Route.INSTANCE || route == Route.MAINTENANCE) && method.equals("PUT"))) {
            pool.endReadPhase(); // no body to read: the registry may be slow, the client may not
        }
        return switch (route) {
            case INDEX -> dashboard.page(target);
            case HEALTH -> health.health(target);
            case METRICS -> metrics.metrics(target);
            case PROMETHEUS_TARGETS -> prometheus.targets(target);
            case EVENTS -> events.allEvents(target, exchange);
            case SERVICES -> reads.services(target);
            case SERVICE -> reads.service(target, service);
            case PICK -> reads.pick(target, service);
            case SERVICE_EVENTS -> events.serviceEvents(target, service, exchange);
            case HEARTBEAT -> registrations.heartbeat(target, service, id);
            case MAINTENANCE -> method.equals("PUT")
                    ? maintenance.start(target, service, id, exchange,
                            () -> BodyReader.readJson(exchange, maxBodyBytes, pool))
                    : maintenance.end(target, service, id);
            case INSTANCE -> switch (method) {
                case "PUT" -> registrations.register(target, service, id,
                        () -> BodyReader.readJson(exchange, maxBodyBytes, pool));
                case "DELETE" -> registrations.deregister(target, service, id);
                default -> reads.instance(target, service, id);
            };
            case UNMATCHED -> throw new IllegalStateException("unmatched route dispatched");
        };
    }
}
