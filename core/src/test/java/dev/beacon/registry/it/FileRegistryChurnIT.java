package dev.beacon.registry.it;

import dev.beacon.ServiceInstance;
import dev.beacon.registry.FileServiceRegistry;
import dev.beacon.registry.RegistryEvent;
import dev.beacon.testing.JavaProcess;
import dev.beacon.testing.Jdks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Churn from many processes on one file registry: {@value #PROCESSES} child JVMs ({@link FileRegistryChurner}), each
 * with {@value #THREADS} threads and two registry objects, run scripted register/renew/deregister cycles (1,008 by
 * default; {@code -Dbeacon.churn.cycles=N} for the long run) while this JVM reads. Readers never fail, never see a
 * ghost and never miss an anchor that is live throughout; the end state equals the expected set exactly. A watch in
 * this JVM sees the same churn: its events, replayed in order, give exactly the end state, and each makes sense for
 * what came before it.
 */
class FileRegistryChurnIT {

    private static final int PROCESSES = 4;
    private static final int THREADS = 4;
    private static final int CYCLES = Integer.getInteger("beacon.churn.cycles", 1_008);
    private static final Pattern KNOWN_ID = Pattern.compile("p\\d+-t\\d+-c\\d+|anchor-\\d+");

    @TempDir
    Path temp;

    @Test
    void churn_manyProcessesAndThreads_endStateIsExactlyTheExpectedSet() throws Exception {
        Path dir = temp.resolve("registry");
        int cyclesPerThread = (CYCLES + PROCESSES * THREADS - 1) / (PROCESSES * THREADS);
        String classpath = System.getProperty("java.class.path");
        Queue<String> failures = new ConcurrentLinkedQueue<>();
        AtomicBoolean reading = new AtomicBoolean(true);
        AtomicLong reads = new AtomicLong();
        AtomicLong seen = new AtomicLong();
        List<JavaProcess> children = new ArrayList<>();
        Thread reader = null;
        Replay replay = new Replay();
        try (FileServiceRegistry registry = new FileServiceRegistry(dir);
             FileServiceRegistry watcher = new FileServiceRegistry(dir)) {
            for (String service : FileRegistryChurner.SERVICES) {
                replay.watch(watcher, service);
            }
            long started = System.nanoTime();
            for (int p = 0; p < PROCESSES; p++) {
                children.add(JavaProcess.start(Jdks.current(), List.of("-Xmx64m", "-cp", classpath,
                        FileRegistryChurner.class.getName(), dir.toString(), Integer.toString(p),
                        Integer.toString(THREADS), Integer.toString(cyclesPerThread))));
            }
            for (JavaProcess child : children) {
                child.awaitOut("^ready$", Duration.ofSeconds(30));
            }
            reader = new Thread(() -> {
                while (reading.get()) {
                    read(registry, failures, seen);
                    reads.incrementAndGet();
                }
            });
            reader.start();
            List<String> results = new ArrayList<>();
            for (JavaProcess child : children) {
                assertThat(child.process().waitFor(120, TimeUnit.SECONDS)).as(child.describe()).isTrue();
                results.add(child.awaitOut("^(done .*)$", Duration.ofSeconds(5)));
                child.stdout().stream().filter(l -> l.startsWith("FAIL ")).forEach(failures::add);
            }
            long elapsedMillis = (System.nanoTime() - started) / 1_000_000;
            reading.set(false);
            reader.join(10_000);

            Set<ServiceInstance> expected = new HashSet<>();
            for (int p = 0; p < PROCESSES; p++) {
                expected.add(FileRegistryChurner.anchor(p));
                for (int t = 0; t < THREADS; t++) {
                    for (int c = 0; c < cyclesPerThread; c++) {
                        ServiceInstance instance = FileRegistryChurner.expectedFinal(p, t, c);
                        if (instance != null) {
                            expected.add(instance);
                        }
                    }
                }
            }
            Set<ServiceInstance> actual = registry.services().stream()
                    .flatMap(service -> registry.instances(service).stream()).collect(Collectors.toSet());
            Set<ServiceInstance> lost = new HashSet<>(expected);
            lost.removeAll(actual);
            Set<ServiceInstance> ghosts = new HashSet<>(actual);
            ghosts.removeAll(expected);
            Set<ServiceInstance> replayed = replay.awaitState(expected, Duration.ofSeconds(10));
            System.out.printf("file registry churn: %d processes x %d threads, %d cycles in %d ms; %d reads while "
                            + "churning (%d instances seen); expected %d, lost %d, ghost %d, failures %d; watch: %d "
                            + "events, replayed to %d instances, %d inconsistent%n",
                    PROCESSES, THREADS, PROCESSES * THREADS * cyclesPerThread, elapsedMillis, reads.get(),
                    seen.get(), expected.size(), lost.size(), ghosts.size(), failures.size(), replay.events(),
                    replayed.size(), replay.inconsistencies().size());

            assertThat(results).allMatch(r -> r.equals("done " + THREADS * cyclesPerThread + " 0"));
            assertThat(failures).as("failures of the children and of the reader").isEmpty();
            assertThat(reads.get()).as("reads made while churning").isPositive();
            assertThat(lost).as("lost instances").isEmpty();
            assertThat(ghosts).as("ghost instances").isEmpty();
            assertThat(replay.inconsistencies()).as("events that contradict the ones before").isEmpty();
            assertThat(replayed).as("the watch's events replayed").isEqualTo(expected);
            try (Stream<Path> files = Files.list(dir)) {
                assertThat(files.map(f -> f.getFileName().toString()))
                        .as("files: one per live instance, no temporary file left")
                        .hasSize(expected.size()).allMatch(name -> name.endsWith(".json") && !name.startsWith("."));
            }
        } finally {
            reading.set(false);
            if (reader != null) {
                reader.join(10_000);
            }
            children.forEach(JavaProcess::close);
        }
    }

    /** Applies a watch's events, in order, to what the watch started from; notes events that make no sense. */
    private static final class Replay {
        private final Map<String, ServiceInstance> state = new java.util.HashMap<>();
        private final List<String> inconsistencies = new ArrayList<>();
        private long events;

        synchronized void watch(FileServiceRegistry registry, String service) {
            registry.watch(service, this::apply);
            registry.instances(service).forEach(instance -> state.put(key(instance), instance));
        }

        private synchronized void apply(RegistryEvent event) {
            events++;
            String key = key(event.instance());
            ServiceInstance known = state.get(key);
            switch (event.type()) {
                case REGISTERED -> {
                    if (known != null) {
                        inconsistencies.add("REGISTERED of known " + key);
                    }
                    state.put(key, event.instance());
                }
                case UPDATED -> {
                    if (known == null || known.equals(event.instance())) {
                        inconsistencies.add("UPDATED of " + (known == null ? "unknown " : "unchanged ") + key);
                    }
                    state.put(key, event.instance());
                }
                default -> {
                    if (known == null) {
                        inconsistencies.add(event.type() + " of unknown " + key);
                    }
                    state.remove(key);
                }
            }
        }

        /** The replayed state once it equals {@code expected}, or as it is after {@code timeout}. */
        Set<ServiceInstance> awaitState(Set<ServiceInstance> expected, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                Set<ServiceInstance> now;
                synchronized (this) {
                    now = new HashSet<>(state.values());
                }
                if (now.equals(expected) || System.nanoTime() > deadline) {
                    return now;
                }
                Thread.sleep(20);
            }
        }

        synchronized long events() {
            return events;
        }

        synchronized List<String> inconsistencies() {
            return List.copyOf(inconsistencies);
        }

        private static String key(ServiceInstance instance) {
            return instance.service() + "/" + instance.id();
        }
    }

    private static void read(FileServiceRegistry registry, Queue<String> failures, AtomicLong seen) {
        try {
            Set<String> orders = new HashSet<>();
            for (String service : FileRegistryChurner.SERVICES) {
                for (ServiceInstance instance : registry.instances(service)) {
                    seen.incrementAndGet();
                    if (!instance.service().equals(service) || !KNOWN_ID.matcher(instance.id()).matches()
                            || !instance.metadata().equals(Map.of("zone", "eu-1"))) {
                        failures.add("ghost in " + service + ": " + instance);
                    }
                    if (service.equals("orders")) {
                        orders.add(instance.id());
                    }
                }
            }
            for (int p = 0; p < PROCESSES; p++) {
                if (!orders.contains("anchor-" + p)) {
                    failures.add("anchor-" + p + " missing while its file was being renewed");
                }
            }
        } catch (RuntimeException e) {
            failures.add("reader threw " + e);
        }
    }
}
