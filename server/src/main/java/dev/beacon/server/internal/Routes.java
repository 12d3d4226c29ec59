package dev.beacon.server.internal;

import dev.beacon.support.Durations;

import dev.beacon.support.Texts;

import dev.beacon.json.InstanceJson;
import com.sun.net.httpserver.HttpExchange;
import dev.beacon.ServiceInstance;
import dev.beacon.Status;
import dev.beacon.client.InstanceFilters;
import dev.beacon.registry.ServiceRegistry;
import dev.beacon.registry.Subscription;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * What each route does, given a matched route and a parsed target; HTTP plumbing (limits, errors, writing) is
 * {@link ApiHandler}'s. Thread-safe.
 */
final class Routes {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Routes.class);

    private static final Pattern METADATA_KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Set<String> FILTERS = Set.of("status", "zone");
    private static final Set<String> PICK_PARAMETERS = Set.of("status", "zone", "strategy", "key");
    private static final int MAX_KEY_LENGTH = 1024;
    private static final int STREAM_QUEUE = 1024;

    private final ServiceRegistry registry;
    private final InstancePicker picker;
    private final ServiceWatcher watcher;
    private final Metrics metrics;
    private final ApiSettings settings;
    private final WorkerPool pool;
    private final Deadlines deadlines;
    private final Semaphore streamSlots;
    private final Set<EventStream> streams = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final String defaultStrategy;

    Routes(ServiceRegistry registry, InstancePicker picker, String defaultStrategy, ServiceWatcher watcher,
           Metrics metrics, ApiSettings settings, WorkerPool pool, Deadlines deadlines) {
        this.registry = registry;
        this.picker = picker;
        this.defaultStrategy = defaultStrategy;
        this.watcher = watcher;
        this.metrics = metrics;
        this.settings = settings;
        this.pool = pool;
        this.deadlines = deadlines;
        this.streamSlots = new Semaphore(settings.maxEventStreams());
    }

    Reply index(RequestTarget target) {
        target.allowOnly(Set.of(), null);
        if (settings.indexContent().isEmpty()) {
            throw HttpError.notFound("no page is served at /; the API: " + Route.summary());
        }
        return new Reply(200, settings.indexContentType().orElseThrow(), settings.indexContent().get(),
                Map.of("Cache-Control", "no-cache"), Optional.empty());
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

    Reply metrics(RequestTarget target) {
        target.allowOnly(Set.of(), null);
        Map<String, List<ServiceInstance>> snapshot;
        try {
            snapshot = registry.snapshot();
        } catch (RuntimeException e) {
            snapshot = null; // rendered as beacon_registry_up 0
        }
        return Reply.text("text/plain; version=0.0.4; charset=utf-8", metrics.render(snapshot, watcher.counts(),
                watcher.watched(), streams.size(), pool.rejected()));
    }

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
        target.allowOnly(FILTERS, "meta.");
        Predicate<ServiceInstance> filter = filter(target, null);
        return Reply.json(200, withLeases(service, filter));
    }

    /** The instances with their last heartbeat and lease end, where the registry reports leases. */
    private List<Map<String, Object>> withLeases(String service, Predicate<ServiceInstance> filter) {
        try {
            return Json.leases(registry.leases(service).stream().filter(l -> filter.test(l.instance())).toList());
        } catch (UnsupportedOperationException noLeases) {
            return Json.instances(registry.instances(service).stream().filter(filter).toList());
        }
    }

    Reply pick(RequestTarget target, String service) {
        target.allowOnly(PICK_PARAMETERS, "meta.");
        String strategy = Optional.ofNullable(target.single("strategy")).orElse(defaultStrategy);
        picker.check(strategy);
        String key = target.single("key");
        if (key != null && key.length() > MAX_KEY_LENGTH) {
            throw HttpError.badRequest("key may have at most " + MAX_KEY_LENGTH + " characters, but had "
                    + key.length());
        }
        Predicate<ServiceInstance> filter = filter(target, Status.UP);
        List<ServiceInstance> candidates = registry.instances(service).stream().filter(filter).toList();
        return picker.pick(service, strategy, candidates, key)
                .map(instance -> Reply.json(200, InstanceJson.withService(instance)))
                .orElseThrow(() -> HttpError.notFound("no instance of " + Texts.quote(service) + " matches "
                        + describe(target, Status.UP)));
    }

    Reply instance(RequestTarget target, String service, String id) {
        target.allowOnly(Set.of(), null);
        return registry.instances(service).stream().filter(instance -> instance.id().equals(id)).findFirst()
                .map(instance -> Reply.json(200, InstanceJson.withService(instance)))
                .orElseThrow(() -> notRegistered(service, id));
    }

    Reply register(RequestTarget target, String service, String id, BodySource body) throws IOException {
        target.allowOnly(Set.of(), null);
        Registration registration = Registration.parse(service, id, body.read());
        try {
            watcher.watch(service); // so that /events and the counters see this registration
        } catch (RuntimeException e) {
            // the registration below reports the registry's state; the next scan retries the watch
            log.debug("watching {} before registering {} failed", service, id, e);
        }
        registry.register(registration.instance(), registration.ttl());
        metrics.registered();
        Map<String, Object> reply = InstanceJson.withService(registration.instance());
        reply.put("ttl", Durations.format(registration.ttl()));
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
            throw notRegistered(service, id);
        }
        metrics.deregistered();
        return Reply.json(200, Json.object("service", service, "id", id, "deregistered", true));
    }

    /** The events of one service, from a watch of its own. */
    Reply serviceEvents(RequestTarget target, String service, HttpExchange exchange) {
        target.allowOnly(Set.of(), null);
        return stream(exchange, stream -> registry.watch(service, stream::offer));
    }

    /** The events of every watched service. */
    Reply allEvents(RequestTarget target, HttpExchange exchange) {
        target.allowOnly(Set.of(), null);
        return stream(exchange, stream -> watcher.subscribe(stream::offer));
    }

    private Reply stream(HttpExchange exchange, java.util.function.Function<EventStream, Subscription> subscribe) {
        if (exchange.getRequestMethod().equals("HEAD")) {
            return new Reply(200, Reply.EVENT_STREAM, new byte[0], Map.of("Cache-Control", "no-cache"),
                    Optional.empty());
        }
        if (!streamSlots.tryAcquire()) {
            throw HttpError.unavailable("too many event streams open (" + settings.maxEventStreams()
                    + "); try again later");
        }
        EventStream stream = new EventStream(STREAM_QUEUE);
        Subscription subscription;
        try {
            subscription = subscribe.apply(stream);
        } catch (RuntimeException e) {
            streamSlots.release();
            throw e;
        }
        streams.add(stream);
        return Reply.stream(new Reply.Stream() {
            @Override
            public void run() throws IOException {
                stream.run(exchange.getResponseBody(), Routes.this::write, settings.keepAlive());
            }

            @Override
            public void release() {
                try {
                    subscription.close();
                } catch (RuntimeException e) {
                    log.warn("closing the watch of an event stream failed", e);
                } finally {
                    streams.remove(stream);
                    streamSlots.release();
                }
            }
        });
    }

    private void write(OutputStream out, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        deadlines.within(settings.writeTimeout(), () -> {
            out.write(bytes);
            out.flush();
        });
    }

    /** Ends every open event stream (server shutdown). */
    void endStreams() {
        streams.forEach(EventStream::end);
    }

    int openStreams() {
        return streams.size();
    }

    /** Reads the request body when the route is ready for it. */
    @FunctionalInterface
    interface BodySource {
        byte[] read() throws IOException;
    }

    private static HttpError notRegistered(String service, String id) {
        return HttpError.notFound("instance " + Texts.quote(id) + " of " + Texts.quote(service)
                + " is not registered");
    }

    /** The AND of {@code status}, {@code zone} and {@code meta.<key>} filters; {@code *} in a value is a wildcard. */
    private static Predicate<ServiceInstance> filter(RequestTarget target, Status defaultStatus) {
        String statusText = target.single("status");
        Status status = statusText == null ? defaultStatus : Status.parse(statusText);
        Predicate<ServiceInstance> filter = instance -> status == null || instance.status() == status;
        String zone = target.single("zone");
        if (zone != null) {
            filter = filter.and(InstanceFilters.metadata("zone", checkValue("zone", zone)));
        }
        for (Map.Entry<String, List<String>> parameter : target.query().entrySet()) {
            if (!parameter.getKey().startsWith("meta.")) {
                continue;
            }
            String key = parameter.getKey().substring("meta.".length());
            if (!METADATA_KEY.matcher(key).matches()) {
                throw HttpError.badRequest("metadata key in " + Texts.quote(parameter.getKey())
                        + " must match [A-Za-z0-9][A-Za-z0-9._-]{0,63}");
            }
            for (String value : parameter.getValue()) {
                filter = filter.and(InstanceFilters.metadata(key, checkValue(parameter.getKey(), value)));
            }
        }
        return filter;
    }

    private static String checkValue(String name, String value) {
        if (value.length() > ServiceInstance.MAX_METADATA_VALUE_LENGTH) {
            throw HttpError.badRequest("query parameter '" + name + "' may have at most "
                    + ServiceInstance.MAX_METADATA_VALUE_LENGTH + " characters, but had " + value.length());
        }
        return value;
    }

    private static String describe(RequestTarget target, Status defaultStatus) {
        StringBuilder text = new StringBuilder();
        String status = target.single("status");
        text.append("status=").append(status == null ? defaultStatus.name() : status.trim().toUpperCase(
                java.util.Locale.ROOT));
        target.query().forEach((name, values) -> {
            if (name.equals("zone") || name.startsWith("meta.")) {
                values.forEach(value -> text.append(", ").append(name).append('=').append(Texts.quote(value)));
            }
        });
        return text.toString();
    }
}
