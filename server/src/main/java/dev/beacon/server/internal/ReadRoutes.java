package dev.beacon.server.internal;

import dev.beacon.ServiceInstance;
import dev.beacon.Status;
import dev.beacon.json.InstanceJson;
import dev.beacon.registry.Lease;
import dev.beacon.registry.ServiceRegistry;
import dev.beacon.support.Texts;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The lookups, in the bodies the seed's API defines: {@code GET /services}
 * ({@code {"services": [{"name", "instances": [...]}, ...]}}), {@code GET /services/{name}}
 * ({@code {"service_name", "instances": [...]}}, filtered by {@link InstanceQuery}),
 * {@code GET /services/{name}/instance} (one instance picked by a balancing strategy, with its {@code "url"}) and
 * {@code GET /services/{name}/instances/{id}}. Listed instances carry their lease where the registry reports leases.
 * Thread-safe.
 */
final class ReadRoutes {

    private static final Set<String> FILTERS = Set.of("status", "zone");
    private static final Set<String> PICK_PARAMETERS = Set.of("status", "zone", "strategy", "key");
    private static final int MAX_KEY_LENGTH = 1024;

    private final ServiceRegistry registry;
    private final InstancePicker picker;

    ReadRoutes(ServiceRegistry registry, InstancePicker picker) {
        this.registry = registry;
        this.picker = picker;
    }

    /** Every service with instances, each with its instances, by service name (the registry read at once). */
    Reply services(RequestTarget target) {
        target.allowOnly(Set.of(), null);
        List<Map<String, Object>> services = new ArrayList<>();
        try {
            registry.leaseSnapshot().forEach((service, leases) ->
                    services.add(Json.object("name", service, "instances", Json.leases(leases))));
        } catch (UnsupportedOperationException noLeases) {
            services.clear();
            registry.snapshot().forEach((service, instances) ->
                    services.add(Json.object("name", service, "instances", Json.instances(instances))));
        }
        return Reply.json(200, Json.object("services", services));
    }

    /** The instances of one service that pass the filters; none for an unknown service. */
    Reply service(RequestTarget target, String service) {
        target.allowOnly(FILTERS, InstanceQuery.META);
        return Reply.json(200, Json.object("service_name", service,
                "instances", listed(service, InstanceQuery.filter(target, null))));
    }

    /** The instances with their last heartbeat and lease end, where the registry reports leases. */
    private List<Map<String, Object>> listed(String service, Predicate<ServiceInstance> filter) {
        return leases(registry, service)
                .map(leases -> Json.leases(leases.stream().filter(l -> filter.test(l.instance())).toList()))
                .orElseGet(() -> Json.instances(registry.instances(service).stream().filter(filter).toList()));
    }

    /** The leases of {@code service}; empty when the registry does not report leases. */
    static Optional<List<Lease>> leases(ServiceRegistry registry, String service) {
        try {
            return Optional.of(registry.leases(service));
        } catch (UnsupportedOperationException noLeases) {
            return Optional.empty();
        }
    }

    /** One UP instance (unless the query asks for another status), chosen by the strategy. */
    Reply pick(RequestTarget target, String service) {
        target.allowOnly(PICK_PARAMETERS, InstanceQuery.META);
        String strategy = Optional.ofNullable(target.single("strategy")).orElse(InstancePicker.DEFAULT_STRATEGY);
        picker.check(strategy);
        String key = target.single("key");
        if (key != null && key.length() > MAX_KEY_LENGTH) {
            throw HttpError.badRequest("key may have at most " + MAX_KEY_LENGTH + " characters, but had "
                    + key.length());
        }
        Predicate<ServiceInstance> filter = InstanceQuery.filter(target, Status.UP);
        List<ServiceInstance> candidates = registry.instances(service).stream().filter(filter).toList();
        return picker.pick(service, strategy, candidates, key)
                .map(instance -> Reply.json(200, Json.picked(instance)))
                .orElseThrow(() -> HttpError.notFound("no instance of " + Texts.quote(service) + " matches "
                        + InstanceQuery.describe(target, Status.UP)));
    }

    Reply instance(RequestTarget target, String service, String id) {
        target.allowOnly(Set.of(), null);
        return registry.instances(service).stream().filter(instance -> instance.id().equals(id)).findFirst()
                .map(instance -> Reply.json(200, InstanceJson.withService(instance)))
                .orElseThrow(() -> HttpError.notRegistered(service, id));
    }
}
