package dev.beacon.server.internal;

import dev.beacon.json.InstanceJson;
import dev.beacon.registry.ServiceRegistry;
import dev.beacon.support.Durations;
import dev.beacon.support.Texts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Map;
import java.util.Set;

/**
 * The writes, for apps that register themselves over HTTP: {@code PUT /services/{name}/instances/{id}} (register,
 * with a lease), {@code PUT …/heartbeat} (renew it) and {@code DELETE /services/{name}/instances/{id}}. Each is
 * counted in the metrics. Thread-safe.
 */
final class RegistrationRoutes {

    private static final Logger log = LoggerFactory.getLogger(RegistrationRoutes.class);

    private final ServiceRegistry registry;
    private final ServiceWatcher watcher;
    private final Metrics metrics;

    RegistrationRoutes(ServiceRegistry registry, ServiceWatcher watcher, Metrics metrics) {
        this.registry = registry;
        this.watcher = watcher;
        this.metrics = metrics;
    }

    /** Reads the request body when the route is ready for it (after the query was checked). */
    @FunctionalInterface
    interface BodySource {
        byte[] read() throws IOException;
    }

    /** Registers the body's instance: the instance with its service first, and its lease as {@code "ttl"}. */
    Reply register(RequestTarget target, String service, String id, BodySource body) throws IOException {
        target.allowOnly(Set.of(), null);
        RegistrationRequest request = RegistrationRequest.parse(service, id, body.read());
        try {
            watcher.watch(service); // so that /events and the counters see this registration
        } catch (RuntimeException e) {
            // the registration below reports the registry's state; the next scan retries the watch
            log.debug("watching {} before registering {} failed", service, id, e);
        }
        registry.register(request.instance(), request.ttl());
        metrics.registered();
        Map<String, Object> reply = InstanceJson.withService(request.instance());
        reply.put("ttl", Durations.format(request.ttl()));
        return Reply.json(200, reply);
    }

    Reply heartbeat(RequestTarget target, String service, String id) {
        target.allowOnly(Set.of(), null);
        boolean renewed = registry.renew(service, id);
        metrics.heartbeat(renewed);
        if (!renewed) {
            throw HttpError.notFound("no live lease for instance " + Texts.quote(id) + " of " + Texts.quote(service)
                    + " (it expired or was removed); register it again with PUT /services/" + service
                    + "/instances/" + id);
        }
        return Reply.json(200, Json.object("service", service, "id", id, "renewed", true));
    }

    Reply deregister(RequestTarget target, String service, String id) {
        target.allowOnly(Set.of(), null);
        if (!registry.deregister(service, id)) {
            throw HttpError.notRegistered(service, id);
        }
        metrics.deregistered();
        return Reply.json(200, Json.object("service", service, "id", id, "deregistered", true));
    }
}
