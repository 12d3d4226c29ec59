package dev.beacon.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
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
        com.fasterxml.jackson.databind.node.ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("service", service);
        ArrayNode array = root.putArray("instances");
        instances.forEach(instance -> array.add(InstanceCodec.toJson(instance)));
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
            JsonNode root = InstanceCodec.parse(Files.readAllBytes(file));
            List<ServiceInstance> instances = new ArrayList<>();
            for (JsonNode node : root.path("instances")) {
                instances.add(InstanceCodec.fromJson(node));
            }
            return Optional.of(instances);
        } catch (IOException | RuntimeException e) {
            log.warn("ignoring the unreadable failover cache {}: {}", file, e.toString());
            return Optional.empty();
        }
    }
}
