package dev.beacon.registry.redis.internal;

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
 *   <li>a <b>change</b> is {@code {"type":"REGISTERED|UPDATED|DEREGISTERED|EXPIRED","instance":<entry>}}, published by
 *       the scripts ({@code publish_change} in {@code prelude.lua});</li>
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

    /** The instances in a reply of {@link ScriptCall#instances}, ordered by id; unreadable entries skipped. */
    public List<ServiceInstance> instances(String service, Object reply) {
        List<ServiceInstance> instances = new ArrayList<>();
        if (reply instanceof List<?> values) {
            for (Object value : values) {
                String text = String.valueOf(value);
                try {
                    instances.add(instance(service, parse(text)));
                } catch (RuntimeException e) {
                    skipEntry(service, text, e);
                }
            }
        }
        instances.sort(Comparator.comparing(ServiceInstance::id));
        return List.copyOf(instances);
    }

    /** The leases in a reply of {@link ScriptCall#leases}, ordered by instance id; unreadable entries skipped. */
    public List<Lease> leases(String service, Object reply) {
        List<Lease> leases = new ArrayList<>();
        if (reply instanceof List<?> values) {
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
                    leases.add(new Lease(instance, Instant.ofEpochMilli(expiresAt - ttl),
                            Instant.ofEpochMilli(expiresAt)));
                } catch (RuntimeException e) {
                    warnings.warn(service + "|lease|" + text.length() + "|" + text.hashCode(),
                            "registry {}: skipping an unreadable lease of {}: {}", registry, service, e.getMessage());
                }
            }
        }
        leases.sort(Comparator.comparing(lease -> lease.instance().id()));
        return List.copyOf(leases);
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
            return Optional.of(new Change(new RegistryEvent(change, instance(service, InstanceCodec.object(node, "instance")))));
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

    /** The instance of an entry, which must belong to {@code service} (the key or channel it was read from). */
    private static ServiceInstance instance(String service, Map<String, ?> entry) {
        ServiceInstance instance = InstanceCodec.fromMap(entry);
        if (!instance.service().equals(service)) {
            throw new InvalidEntryException("entry of " + instance.service() + " in " + service);
        }
        return instance;
    }

    private void skipEntry(String service, String text, RuntimeException e) {
        warnings.warn(service + "|" + text.length() + "|" + text.hashCode(),
                "registry {}: skipping an unreadable entry of {}: {}", registry, service, e.getMessage());
    }
}
