package dev.beacon.registry.redis.internal;

import dev.beacon.Maintenance;
import dev.beacon.ServiceInstance;
import dev.beacon.registry.Lease;
import dev.beacon.registry.RegistryEvent;
import dev.beacon.registry.spi.InstanceCodec;
import dev.beacon.registry.spi.InstanceCodec.InvalidEntryException;
import dev.beacon.support.Texts;
import dev.beacon.support.WarnOnce;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The JSON the registry stores and publishes, through core's {@link InstanceCodec} (the one home of an instance's
 * JSON shape):
 * <ul>
 *   <li>an <b>entry</b> is the instance plus the ttl it was registered with, {@value #TTL_FIELD} (which
 *       {@code renew.lua} reads to extend the lease);</li>
 *   <li>a <b>maintenance record</b> is {@link InstanceCodec#maintenanceToMap}'s shape (with {@code "v":1}), written
 *       by {@code maintenance-start.lua} and shown on the instance of its id while in force;</li>
 *   <li>a <b>change</b> is {@code {"type":"REGISTERED|UPDATED|DEREGISTERED|EXPIRED","instance":<entry>}}, plus
 *       {@code "maintenance":<record>} while one is in force, published by the scripts ({@code publish_change} in
 *       {@code prelude.lua});</li>
 *   <li>a <b>marker</b> is {@code {"type":"MARKER","id":…}}, published by a watch to learn when its subscription
 *       delivers.</li>
 * </ul>
 * Whoever can write the registry's keys or publish on its channels controls what is read back: each value that
 * cannot be read is skipped with one warning (again only if it changes), whatever the number of reads; stored text
 * in a message is kept to one short line. Thread-safe.
 */
public final class EntryCodec {

    static final String TTL_FIELD = "ttlMillis";
    private static final String MARKER = "MARKER";
    private static final Logger log = LoggerFactory.getLogger(EntryCodec.class);

    private final String registry;
    private final WarnOnce warnings = new WarnOnce(log);

    /** @param registry the registry, as its messages name it (password masked) */
    public EntryCodec(String registry) {
        this.registry = registry;
    }

    /** The entry stored for {@code instance} under a lease of {@code ttl}. */
    public String encode(ServiceInstance instance, Duration ttl) {
        Map<String, Object> json = InstanceCodec.toMap(instance);
        json.put(TTL_FIELD, ttl.toMillis());
        return InstanceCodec.toString(json);
    }

    /**
     * The instances in a reply of {@link ScriptCall#instances}, ordered by id, shown in maintenance where a record is
     * in force; unreadable entries skipped.
     */
    public List<ServiceInstance> instances(String service, Object reply) {
        List<ServiceInstance> instances = new ArrayList<>();
        Map<String, Maintenance> maintenance = maintenanceRecords(service, part(reply, 1));
        for (Object value : part(reply, 0)) {
            String text = String.valueOf(value);
            try {
                instances.add(shown(instance(service, parse(text)), maintenance));
            } catch (RuntimeException e) {
                skipEntry(service, text, e);
            }
        }
        instances.sort(Comparator.comparing(ServiceInstance::id));
        return List.copyOf(instances);
    }

    /**
     * The leases in a reply of {@link ScriptCall#leases}, ordered by instance id, shown in maintenance where a record
     * is in force; unreadable entries skipped.
     */
    public List<Lease> leases(String service, Object reply) {
        List<Lease> leases = new ArrayList<>();
        Map<String, Maintenance> maintenance = maintenanceRecords(service, part(reply, 1));
        List<?> values = part(reply, 0);
        for (int i = 0; i + 1 < values.size(); i += 2) {
            String text = String.valueOf(values.get(i));
            Map<String, Object> node;
            ServiceInstance instance;
            try {
                node = parse(text);
                instance = instance(service, node);
            } catch (RuntimeException e) {
                skipEntry(service, text, e);
                continue;
            }
            try {
                long expiresAt = (long) Double.parseDouble(String.valueOf(values.get(i + 1)));
                long ttl = InstanceCodec.longValue(node, TTL_FIELD);
                leases.add(new Lease(shown(instance, maintenance), Instant.ofEpochMilli(expiresAt - ttl),
                        Instant.ofEpochMilli(expiresAt)));
            } catch (RuntimeException e) {
                warnings.warn(service + "|lease|" + text.length() + "|" + text.hashCode(),
                        "registry {}: skipping an unreadable lease of {}: {}", registry, service, e.getMessage());
            }
        }
        leases.sort(Comparator.comparing(lease -> lease.instance().id()));
        return List.copyOf(leases);
    }

    /**
     * The maintenance record in a reply of {@link ScriptCall#maintenance} or {@link ScriptCall#startMaintenance};
     * empty when there is none (or it cannot be read: one warning).
     */
    public Optional<Maintenance> maintenance(String service, String id, Object reply) {
        if (reply == null) {
            return Optional.empty();
        }
        String text = String.valueOf(reply);
        try {
            return Optional.of(InstanceCodec.maintenanceFromMap(parse(text)));
        } catch (RuntimeException e) {
            skipMaintenance(service, id, text, e);
            return Optional.empty();
        }
    }

    /** The id → record pairs of a script's reply, the readable ones. */
    private Map<String, Maintenance> maintenanceRecords(String service, List<?> flat) {
        Map<String, Maintenance> records = new HashMap<>();
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            String id = String.valueOf(flat.get(i));
            maintenance(service, id, flat.get(i + 1)).ifPresent(record -> records.put(id, record));
        }
        return records;
    }

    private static ServiceInstance shown(ServiceInstance registered, Map<String, Maintenance> maintenance) {
        Maintenance record = maintenance.get(registered.id());
        return record == null ? registered : registered.inMaintenance(record);
    }

    /** Element {@code index} of a two-part script reply (entries, maintenance records), or an empty list. */
    private static List<?> part(Object reply, int index) {
        return reply instanceof List<?> parts && parts.size() > index && parts.get(index) instanceof List<?> list
                ? list : List.of();
    }

    private void skipMaintenance(String service, String id, String text, RuntimeException e) {
        warnings.warn(service + "|maintenance|" + text.length() + "|" + text.hashCode(),
                "registry {}: ignoring an unreadable maintenance record of {}/{}: {}", registry, service,
                Texts.quote(id), e.getMessage());
    }

    /** The valid service names in a reply of {@link ScriptCall#services}, sorted; invalid ones skipped. */
    Set<String> serviceNames(String index, Object reply) {
        Set<String> names = new TreeSet<>();
        if (reply instanceof List<?> values) {
            for (Object value : values) {
                String name = String.valueOf(value);
                try {
                    names.add(ServiceInstance.checkServiceName(name));
                } catch (IllegalArgumentException e) {
                    warnings.warn("index|" + name, "registry {}: skipping an invalid name in the services index {}: {}",
                            registry, index, e.getMessage());
                }
            }
        }
        return names;
    }

    /** Warns once about a service whose leases could not be read (Cluster), which is then left out of a listing. */
    void skipCandidate(String service, RuntimeException e) {
        String reason = e.getCause() != null ? e.getCause().getMessage() : e.getMessage();
        warnings.warn("candidate|" + service + "|" + reason,
                "registry {}: leaving {} out of the services: its leases cannot be read: {}", registry, service,
                reason);
    }

    /** A message received on {@code channel}, the events channel of {@code service}. */
    sealed interface Message permits Change, Marker {
    }

    /** A change of an instance of the channel's service. */
    record Change(RegistryEvent event) implements Message {
    }

    /** A watch's marker coming back. */
    record Marker(String id) implements Message {
    }

    /** The marker message with {@code id}. */
    static String marker(String id) {
        return "{\"type\":\"" + MARKER + "\",\"id\":\"" + id + "\"}";
    }

    /** Reads a message; empty (with one warning) when it is not one this registry publishes. */
    Optional<Message> message(String service, String channel, String text) {
        try {
            Map<String, Object> node = parse(text);
            String type = InstanceCodec.text(node, "type");
            if (type.equals(MARKER)) {
                return Optional.of(new Marker(InstanceCodec.text(node, "id")));
            }
            RegistryEvent.Type change = changeType(type);
            ServiceInstance instance = instance(service, InstanceCodec.object(node, "instance"));
            if (node.get("maintenance") != null) {
                instance = instance.inMaintenance(InstanceCodec.maintenanceFromMap(InstanceCodec.object(node,
                        "maintenance")));
            }
            return Optional.of(new Change(new RegistryEvent(change, instance)));
        } catch (RuntimeException e) {
            warnings.warn("event|" + channel + "|" + text.length() + "|" + text.hashCode(),
                    "registry {}: skipping an unreadable event on {}: {}", registry, channel, e.getMessage());
            return Optional.empty();
        }
    }

    private static RegistryEvent.Type changeType(String type) {
        for (RegistryEvent.Type known : RegistryEvent.Type.values()) {
            if (known.name().equals(type)) {
                return known;
            }
        }
        // not Enum.valueOf: its message would echo the type unquoted, line breaks and all
        throw new InvalidEntryException("unknown change type " + Texts.quote(type));
    }

    private static Map<String, Object> parse(String text) {
        return InstanceCodec.parse(text);
    }

    /**
     * The instance of an entry, which must belong to {@code service} (the key or channel it was read from) and is
     * never stored in maintenance (its record is kept apart).
     */
    private static ServiceInstance instance(String service, Map<String, ?> entry) {
        ServiceInstance instance = InstanceCodec.fromMap(entry);
        if (!instance.service().equals(service)) {
            throw new InvalidEntryException("entry of " + instance.service() + " in " + service);
        }
        if (instance.maintenance().isPresent()) {
            throw new InvalidEntryException("a registration is never stored in maintenance");
        }
        return instance;
    }

    private void skipEntry(String service, String text, RuntimeException e) {
        warnings.warn(service + "|" + text.length() + "|" + text.hashCode(),
                "registry {}: skipping an unreadable entry of {}: {}", registry, service, e.getMessage());
    }
}
