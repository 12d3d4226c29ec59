package dev.beacon.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.beacon.Maintenance;
import dev.beacon.json.InstanceJson;
import dev.beacon.registry.MaintenanceRequest;
import dev.beacon.registry.ServiceRegistry;
import dev.beacon.support.Durations;
import dev.beacon.support.Texts;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * An operator's maintenance of an instance: {@code PUT /services/{name}/instances/{id}/maintenance} puts a live
 * instance in maintenance (or changes it), with the body
 * {@code {"reason": "kernel upgrade", "by": "alice", "for": "30m"}} or {@code "until": "2026-12-05T15:00:00Z"} instead
 * of {@code "for"} (every field optional, an empty body too: until lifted, no reason); {@code DELETE} of the same path
 * lifts it. Who: the body's {@code "by"}, else the {@value #OPERATOR_HEADER} header, else {@code api@<client address>}.
 * Writes, so they need the token when the server has one. Thread-safe.
 */
final class MaintenanceRoutes {

    /** The request header naming who puts an instance in maintenance, when the body does not. */
    static final String OPERATOR_HEADER = "X-Beacon-Operator";
    private static final Set<String> FIELDS = Set.of("reason", "by", "for", "until");

    private final ServiceRegistry registry;
    private final Clock clock;

    MaintenanceRoutes(ServiceRegistry registry) {
        this(registry, Clock.systemUTC());
    }

    MaintenanceRoutes(ServiceRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
    }

    /** Puts the instance in maintenance: 200 with it, 404 when the service has no live instance {@code id}. */
    Reply start(RequestTarget target, String service, String id, HttpExchange exchange,
                RegistrationRoutes.BodySource body) throws IOException {
        target.allowOnly(Set.of(), null);
        MaintenanceRequest request = parse(body.read(), exchange);
        Optional<Maintenance> recorded = supported(() -> registry.startMaintenance(service, id, request));
        if (recorded.isEmpty()) {
            throw HttpError.notFound("no live instance " + Texts.quote(id) + " of " + Texts.quote(service)
                    + " to put in maintenance; GET /services/" + service + " lists them");
        }
        return Reply.json(200, Json.object("service", service, "id", id, "maintenance",
                InstanceJson.maintenance(recorded.get())));
    }

    /** Lifts the maintenance: 200, or 404 when the instance is not in maintenance. */
    Reply end(RequestTarget target, String service, String id) {
        target.allowOnly(Set.of(), null);
        if (!supported(() -> registry.endMaintenance(service, id))) {
            throw HttpError.notFound("instance " + Texts.quote(id) + " of " + Texts.quote(service)
                    + " is not in maintenance");
        }
        return Reply.json(200, Json.object("service", service, "id", id, "lifted", true));
    }

    private MaintenanceRequest parse(byte[] body, HttpExchange exchange) {
        ObjectNode node = body.length == 0 ? JsonNodeFactory.instance.objectNode() : JsonBodyParser.parseObject(body);
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw HttpError.badRequest("unknown field " + Texts.quote(name) + "; valid: reason, by, for, until");
            }
        }
        String reason = present(node, "reason") ? text(node, "reason") : "";
        String by = present(node, "by") ? text(node, "by") : operator(exchange);
        if (present(node, "for") && present(node, "until")) {
            throw HttpError.badRequest("give 'for' (a duration such as \"30m\") or 'until' (an ISO-8601 time such as "
                    + "\"2026-12-05T15:00:00Z\"), not both");
        }
        Optional<Duration> duration = Optional.empty();
        if (present(node, "for")) {
            JsonNode value = node.get("for");
            if (value.isTextual()) {
                duration = Optional.of(Durations.parse("for", value.asText()));
            } else if (value.isIntegralNumber() && value.canConvertToLong()) {
                duration = Optional.of(Duration.ofSeconds(value.longValue()));
            } else {
                throw HttpError.badRequest("field 'for' must be a duration string such as \"30m\" or a whole number "
                        + "of seconds, but was " + describe(value));
            }
        } else if (present(node, "until")) {
            String text = text(node, "until");
            Instant until;
            try {
                until = Instant.parse(text);
            } catch (DateTimeParseException e) {
                throw HttpError.badRequest("field 'until' must be an ISO-8601 time such as \"2026-12-05T15:00:00Z\", "
                        + "but was " + Texts.quote(text));
            }
            Instant now = clock.instant();
            if (!until.isAfter(now)) {
                throw HttpError.badRequest("field 'until' must be in the future, but was " + Texts.quote(text)
                        + " (now is " + now + ")");
            }
            duration = Optional.of(Duration.between(now, until));
        }
        // The request checks reason, by and the duration's bounds, naming the bad value (IllegalArgumentException: 400)
        return new MaintenanceRequest(reason, by, duration);
    }

    /** The {@value #OPERATOR_HEADER} header, else {@code api@<client address>}. */
    private static String operator(HttpExchange exchange) {
        String header = exchange.getRequestHeaders().getFirst(OPERATOR_HEADER);
        if (header != null && !header.isBlank()) {
            return header.trim();
        }
        InetSocketAddress remote = exchange.getRemoteAddress();
        return "api@" + (remote == null || remote.getAddress() == null ? "unknown"
                : remote.getAddress().getHostAddress());
    }

    /** {@code call}, or 501 when the registry does not keep maintenance (a wrapper without it, say). */
    private static <T> T supported(Supplier<T> call) {
        try {
            return call.get();
        } catch (UnsupportedOperationException e) {
            throw new HttpError(501, String.valueOf(e.getMessage()));
        }
    }

    private static boolean present(ObjectNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && !value.isNull();
    }

    private static String text(ObjectNode node, String field) {
        JsonNode value = node.get(field);
        if (!value.isTextual()) {
            throw HttpError.badRequest("field '" + field + "' must be a string, but was " + describe(value));
        }
        return value.asText();
    }

    private static String describe(JsonNode value) {
        String type = value.getNodeType().name().toLowerCase(Locale.ROOT);
        return value.isValueNode() ? "the " + type + " " + Texts.quote(value.asText()) : "a JSON " + type;
    }
}
