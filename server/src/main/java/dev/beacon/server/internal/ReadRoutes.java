package dev.beacon.server.internal;

import dev.beacon.ServiceInstance;
import dev.beacon.Status;
import dev.beacon.json.InstanceJson;
import dev.beacon.registry.ServiceRegistry;
import dev.beacon.support.Texts;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The lookups: {@code GET /services}, {@code GET /services/{name}} (filtered by {@link InstanceQuery}),
 * {@code GET /services/{name}/instance} (one instance picked by a balancing strategy) and
 * {@code GET /services/{name}/instances/{id}}. Thread-safe.
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

    /** Every service with instances, each with its instances. */
    Reply services(RequestTarget target) {
        target.allowOnly(Set.of(), null);
        Map<String, Object> root = Json.object();
        for (String service : registry.services()) {
            List<Map<String, Object>> instances = withLeases(service, instance -> true);
            if (!instances.isEmpty()) {
                root.put(service, instances);
            }
        }
        return Reply.json(200, root);
    }

    Reply service(RequestTarget target, String service) {
        target.allowOnly(FILTERS, InstanceQuery.META);
        return Reply.json(200, withLeases(service, InstanceQuery.filter(target, null)));
    }

    /** The instances with their last heartbeat and lease end, where the registry reports leases. */
    private List<Map<String, Object>> withLeases(String service, Predicate<ServiceInstance> filter) {
        try {
            return Json.leases(registry.leases(service).stream().filter(l -> filter.test(l.instance())).toList());
        } catch (UnsupportedOperationException noLeases) {
            return Json.instances(registry.instances(service).stream().filter(filter).toList());
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
                .map(instance -> Reply.json(200, InstanceJson.withService(instance)))
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
