package dev.beacon.client.internal;

import dev.beacon.ServiceInstance;
import dev.beacon.registry.spi.InstanceCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Snapshots on disk, one JSON file per service, so that a client starting while the registry is down still finds
 * what it found last time (Nacos' failover cache). Written atomically (temporary file, then move); unreadable files
 * are ignored with a warning.
 */
public final class FailoverCache {

    private static final Logger log = LoggerFactory.getLogger(FailoverCache.class);
    private final Path directory;

    public FailoverCache(Path directory) {
        this.directory = directory;
    }

    public void save(String service, List<ServiceInstance> instances) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("service", service);
        root.put("instances", instances.stream().map(InstanceCodec::toMap).toList());
        try {
            Files.createDirectories(directory);
            Path temp = Files.createTempFile(directory, "." + service, ".tmp");
            Files.write(temp, InstanceCodec.toBytes(root));
            Files.move(temp, directory.resolve(service + ".json"), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            log.warn("cannot write the failover cache of {} in {}", service, directory, e);
        }
    }

    public Optional<List<ServiceInstance>> load(String service) {
        Path file = directory.resolve(service + ".json");
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            Map<String, Object> root = InstanceCodec.parse(Files.readAllBytes(file));
            List<ServiceInstance> instances = new ArrayList<>();
            if (!(root.get("instances") instanceof List<?> entries)) {
                throw new InstanceCodec.InvalidEntryException("field 'instances' must be an array");
            }
            for (Object entry : entries) {
                if (!(entry instanceof Map<?, ?> node)) {
                    throw new InstanceCodec.InvalidEntryException("an instance must be an object");
                }
                instances.add(InstanceCodec.fromMap(castFields(node)));
            }
            return Optional.of(instances);
        } catch (IOException | RuntimeException e) {
            log.warn("ignoring the unreadable failover cache {}: {}", file, e.toString());
            return Optional.empty();
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, ?> castFields(Map<?, ?> node) {
        return (Map<String, ?>) node; // parsed JSON: every key is a string
    }
}
