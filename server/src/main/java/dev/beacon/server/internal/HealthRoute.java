package dev.beacon.server.internal;

import dev.beacon.registry.ServiceRegistry;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code GET /health}: {@code {"status":"UP"}} while the registry answers, else 503 with
 * {@code {"status":"DOWN","error":…}}. Thread-safe.
 */
final class HealthRoute {

    private final ServiceRegistry registry;

    HealthRoute(ServiceRegistry registry) {
        this.registry = registry;
    }

    Reply health(RequestTarget target) {
        target.allowOnly(Set.of(), null);
        try {
            registry.services();
        } catch (RuntimeException e) {
            return new Reply(503, Reply.JSON, Json.bytes(Json.object("status", "DOWN", "error",
                    "registry unavailable: " + e.getMessage())), Map.of("Retry-After", "1"), Optional.empty());
        }
        return Reply.json(200, Json.object("status", "UP"));
    }
}
