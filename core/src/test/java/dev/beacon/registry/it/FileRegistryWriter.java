package dev.beacon.registry.it;

import dev.beacon.ServiceInstance;
import dev.beacon.registry.FileServiceRegistry;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The child JVM of {@link FileRegistryKillIT}: rewrites a few large entries in a tight loop (register, renew,
 * deregister) until it is killed. Every entry it writes is {@link #isWhole whole}: 60 metadata values whose content
 * is derived from the entry's generation, so a reader can tell a whole entry from any mix or truncation.
 */
public final class FileRegistryWriter {

    static final String SERVICE = "victim";
    static final int IDS = 4;
    private static final int VALUES = 60;
    private static final int VALUE_LENGTH = 1_000;

    private FileRegistryWriter() {
    }

    static ServiceInstance entry(String id, long generation) {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("generation", Long.toString(generation));
        for (int i = 0; i < VALUES; i++) {
            metadata.put("k" + i, value(generation, i));
        }
        return ServiceInstance.builder(SERVICE).id(id).host("10.0.0.5").port(8080).metadata(metadata).build();
    }

    private static String value(long generation, int i) {
        String unit = generation + ":" + i + ";";
        return unit.repeat(VALUE_LENGTH / unit.length() + 1).substring(0, VALUE_LENGTH);
    }

    /** True if {@code instance} is exactly an entry this writer writes, not a mix or a truncation. */
    static boolean isWhole(ServiceInstance instance) {
        String generation = instance.metadata().get("generation");
        if (generation == null || !generation.matches("\\d{1,18}")) {
            return false;
        }
        return instance.equals(entry(instance.id(), Long.parseLong(generation)));
    }

    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        long generation = Long.parseLong(args[1]);
        try (FileServiceRegistry registry = new FileServiceRegistry(dir)) {
            for (long n = 0; ; n++) {
                if (n == IDS) {
                    System.out.println("ready"); // writing at full speed now: classes loaded, first files written
                }
                String id = "w-" + (n % IDS);
                registry.register(entry(id, generation++), Duration.ofMinutes(10));
                registry.renew(SERVICE, id);
                if (n % 7 == 0) {
                    registry.deregister(SERVICE, id);
                }
            }
        }
    }
}
