package dev.beacon.registry.it;

import dev.beacon.ServiceInstance;
import dev.beacon.registry.FileServiceRegistry;
import dev.beacon.testing.JavaProcess;
import dev.beacon.testing.Jdks;
import dev.beacon.testing.Stderr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A writer killed mid-write: a child JVM ({@link FileRegistryWriter}) rewrites large entries in a loop and is
 * SIGKILLed at a random moment, {@value #DEFAULT_ROUNDS} times by default ({@code -Dbeacon.kill.rounds=N} for the
 * long run), while two reader threads in this JVM read all the time. Readers never fail, never see a half-written or
 * mixed entry, and always see an entry that is live throughout; the registry keeps working afterwards.
 */
class FileRegistryKillIT {

    private static final int DEFAULT_ROUNDS = 12;
    private static final int ROUNDS = Integer.getInteger("beacon.kill.rounds", DEFAULT_ROUNDS);
    private static final int READERS = 2;

    @TempDir
    Path temp;

    @Test
    void writerKilledAtRandomMoments_readersNeverSeeAHalfWrittenEntry() throws Exception {
        Path dir = temp.resolve("registry");
        Random random = new Random();
        long seed = random.nextLong();
        random.setSeed(seed);
        Queue<String> failures = new ConcurrentLinkedQueue<>();
        AtomicBoolean reading = new AtomicBoolean(true);
        AtomicLong reads = new AtomicLong();
        AtomicLong entriesSeen = new AtomicLong();
        List<Thread> readers = new ArrayList<>();
        try (FileServiceRegistry registry = new FileServiceRegistry(dir)) {
            ServiceInstance anchor = FileRegistryWriter.entry("anchor", 0);
            registry.register(anchor, Duration.ofMinutes(10));
            for (int r = 0; r < READERS; r++) {
                Thread reader = new Thread(() -> {
                    while (reading.get()) {
                        read(registry, anchor, failures, entriesSeen);
                        reads.incrementAndGet();
                    }
                });
                reader.start();
                readers.add(reader);
            }
            int[] midWrite = new int[1];
            // The registry logs every entry it skips (slf4j-simple, to System.err): a reader that met a partly
            // written file would say so here, even though it does not serve it.
            List<String> logged = Stderr.linesDuring(() -> {
                midWrite[0] = killWriters(dir, random);
                reading.set(false);
                for (Thread reader : readers) {
                    reader.join(10_000);
                }
            });
            int killedWithTemporaryFile = midWrite[0];
            List<String> skipped = logged.stream().filter(line -> line.contains("skipping registry entry")).toList();

            // the registry still works for the same ids, and whatever the writer left is whole
            List<ServiceInstance> left = registry.instances(FileRegistryWriter.SERVICE);
            ServiceInstance again = FileRegistryWriter.entry("w-0", 42);
            registry.register(again, Duration.ofMinutes(1));
            System.out.printf("file registry kill: %d writers SIGKILLed at random moments (seed %d), %d of them "
                            + "mid-write (temporary file left); %d reads (%d entries) in parallel; "
                            + "half-written or mixed entries seen: %d, skipped as unreadable: %d; failures %d%n",
                    ROUNDS, seed, killedWithTemporaryFile, reads.get(), entriesSeen.get(),
                    failures.stream().filter(f -> f.startsWith("not whole")).count(), skipped.size(), failures.size());

            assertThat(failures).as("reader failures (seed " + seed + ")").isEmpty();
            assertThat(skipped).as("entries readers found unreadable").isEmpty();
            assertThat(reads.get()).isGreaterThan(ROUNDS);
            assertThat(entriesSeen.get() - reads.get()).as("entries of the writers seen (beside the anchor)")
                    .isPositive();
            assertThat(left).allMatch(FileRegistryWriter::isWhole);
            assertThat(registry.instances(FileRegistryWriter.SERVICE)).contains(again, anchor);
            assertThat(registry.deregister(FileRegistryWriter.SERVICE, "w-0")).isTrue();
        } finally {
            reading.set(false);
            for (Thread reader : readers) {
                reader.join(10_000);
            }
        }
    }

    /** Starts and SIGKILLs {@link #ROUNDS} writers; returns how many were killed mid-write (left a temporary file). */
    private static int killWriters(Path dir, Random random) throws Exception {
        int midWrite = 0;
        long generation = 1;
        for (int round = 0; round < ROUNDS; round++) {
            List<String> before = temporaryFiles(dir);
            try (JavaProcess writer = JavaProcess.start(Jdks.current(), List.of("-Xmx64m", "-cp",
                    System.getProperty("java.class.path"), FileRegistryWriter.class.getName(), dir.toString(),
                    Long.toString(generation)))) {
                writer.awaitOut("^ready$", Duration.ofSeconds(30));
                Thread.sleep(random.nextInt(500));
                writer.kill(); // SIGKILL: no shutdown hook, no finally
                assertThat(writer.stderr()).as(writer.describe()).isEmpty();
            }
            generation += 1_000_000_000L;
            List<String> after = temporaryFiles(dir);
            after.removeAll(before);
            if (!after.isEmpty()) {
                midWrite++;
            }
        }
        return midWrite;
    }

    private static void read(FileServiceRegistry registry, ServiceInstance anchor, Queue<String> failures,
                             AtomicLong entriesSeen) {
        try {
            List<ServiceInstance> instances = registry.instances(FileRegistryWriter.SERVICE);
            for (ServiceInstance instance : instances) {
                entriesSeen.incrementAndGet();
                if (!FileRegistryWriter.isWhole(instance)) {
                    report(failures, "not whole: " + instance.id() + " generation "
                            + instance.metadata().get("generation"));
                }
            }
            if (!instances.contains(anchor)) {
                report(failures, "anchor missing, live throughout");
            }
            if (!registry.services().contains(FileRegistryWriter.SERVICE)) {
                report(failures, "services() missed " + FileRegistryWriter.SERVICE);
            }
        } catch (RuntimeException e) {
            report(failures, "reader threw " + e);
        }
    }

    private static void report(Queue<String> failures, String failure) {
        if (failures.size() < 50) {
            failures.add(failure);
        }
    }

    private static List<String> temporaryFiles(Path dir) throws java.io.IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return new ArrayList<>(files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".tmp"))
                    .toList());
        }
    }
}
