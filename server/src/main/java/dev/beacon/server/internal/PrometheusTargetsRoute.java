package dev.beacon.server.internal;

import dev.beacon.ServiceInstance;
import dev.beacon.registry.ServiceRegistry;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * {@code GET /prometheus/targets}: every registered instance, whatever its status, as a target group of Prometheus'
 * HTTP service discovery ({@code http_sd_configs}): {@code [{"targets": ["host:port"], "labels": {…}}, …]}, one
 * group per instance, sorted by service and id; {@code []} when the registry is empty. The target's port is the
 * instance's named port {@code metrics}, else {@code management}, else its primary port; an IPv6 host is bracketed.
 * The labels are {@code __meta_beacon_service}, {@code _id}, {@code _status}, {@code _zone} (the {@code zone}
 * metadata, empty when there is none) and each metadata key as {@code __meta_beacon_metadata_<key>}, every character
 * outside {@code [a-zA-Z0-9_]} replaced by {@code _}. When two keys give the same label, a key that needed no
 * replacement wins, else the first key in sort order; the others are left out. Thread-safe.
 */
final class PrometheusTargetsRoute {

    static final String PREFIX = "__meta_beacon_";
    static final String METADATA_PREFIX = PREFIX + "metadata_";
    /** The named ports a target is scraped on, in order of preference, before the primary port. */
    static final List<String> METRICS_PORT_NAMES = List.of("metrics", "management");

    private static final Pattern NOT_LABEL_CHARACTER = Pattern.compile("[^a-zA-Z0-9_]");

    private final ServiceRegistry registry;

    PrometheusTargetsRoute(ServiceRegistry registry) {
        this.registry = registry;
    }

    Reply targets(RequestTarget target) {
        target.allowOnly(Set.of(), null);
        List<Map<String, Object>> groups = new ArrayList<>();
        for (List<ServiceInstance> instances : new TreeMap<>(registry.snapshot()).values()) {
            instances.stream().sorted(Comparator.comparing(ServiceInstance::id))
                    .forEach(instance -> groups.add(Json.object("targets", List.of(address(instance)),
                            "labels", labels(instance))));
        }
        return Reply.json(200, groups);
    }

    /** {@code host:port} of the port to scrape. */
    static String address(ServiceInstance instance) {
        for (String name : METRICS_PORT_NAMES) {
            Integer port = instance.ports().get(name);
            if (port != null) {
                return instance.toBuilder().port(port).build().address();
            }
        }
        return instance.address();
    }

    static Map<String, String> labels(ServiceInstance instance) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(PREFIX + "service", instance.service());
        labels.put(PREFIX + "id", instance.id());
        labels.put(PREFIX + "status", instance.status().name());
        labels.put(PREFIX + "zone", instance.metadata().getOrDefault("zone", ""));
        // keys that are label names already first, so that one of them wins over a key that only maps to it;
        // then the others in the metadata's (sorted) order
        instance.metadata().forEach((key, value) -> {
            if (labelName(key).equals(METADATA_PREFIX + key)) {
                labels.put(METADATA_PREFIX + key, value);
            }
        });
        instance.metadata().forEach((key, value) -> labels.putIfAbsent(labelName(key), value));
        return labels;
    }

    /** The label of metadata key {@code key}; metadata keys start with a letter or digit, so it is a valid name. */
    static String labelName(String key) {
        return METADATA_PREFIX + NOT_LABEL_CHARACTER.matcher(key).replaceAll("_");
    }
}
