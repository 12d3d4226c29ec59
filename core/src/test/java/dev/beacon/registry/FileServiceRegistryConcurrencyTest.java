package dev.beacon.registry;

import dev.beacon.ServiceInstance;
import dev.beacon.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many writers and readers on one registry directory, through two {@link FileServiceRegistry} objects that share no
 * locks, as two processes would. Runs on the real clock with leases far longer than the test.
 */
class FileServiceRegistryConcurrencyTest {

    private static final int WRITERS = 8;
    private static final int READERS = 3;
    private static final int INSTANCES = 1_000;
    private static final int ANCHORS_PER_SERVICE = 10;
    private static final List<String> SERVICES = List.of("orders", "payments");
    private static final Duration TTL = Duration.ofMinutes(10);

    @TempDir
    Path tempDir;

    private static ServiceInstance instance(String service, String id) {
        return ServiceInstance.builder(service).id(id).host("10.0.0.5").port(8080).metadata("zone", "eu-1").build();
    }

    private static String serviceOf(int i) {
        return SERVICES.get((i / WRITERS) % SERVICES.size());
    }

    /** What instance {@code i} is after its writer's script, or null if the script removes it. */
    private static ServiceInstance expectedFinal(int i) {
        ServiceInstance instance = instance(serviceOf(i), "i-" + i);
        if (i % 5 == 0) {
            return instance.withStatus(Status.DOWN);
        }
        return i % 3 == 0 ? null : instance;
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void writersAndReaders_twoRegistriesOnOneDirectory_endWithExactlyTheExpectedInstances() throws Exception {
        Path dir = tempDir.resolve("registry");
        Queue<String> failures = new ConcurrentLinkedQueue<>();
        Set<String> everRegistered = ConcurrentHashMap.newKeySet();
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicInteger reads = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS + READERS + 1);
        try (FileServiceRegistry first = new FileServiceRegistry(dir, Clock.systemUTC(), Duration.ofMillis(200));
             FileServiceRegistry second = new FileServiceRegistry(dir, Clock.systemUTC(), Duration.ofMillis(200))) {
            List<FileServiceRegistry> handles = List.of(first, second);
            List<ServiceInstance> anchors = new ArrayList<>();
            for (String service : SERVICES) {
                for (int a = 0; a < ANCHORS_PER_SERVICE; a++) {
                    ServiceInstance anchor = instance(service, "anchor-" + a);
                    first.register(anchor, TTL);
                    anchors.add(anchor);
                    everRegistered.add(service + "/" + anchor.id());
                }
            }
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> writers = new ArrayList<>();
            List<Future<?>> others = new ArrayList<>();

            for (int t = 0; t < WRITERS; t++) {
                int thread = t;
                writers.add(pool.submit(() -> {
                    start.await();
                    for (int i = thread; i < INSTANCES; i += WRITERS) {
                        runScript(i, handles, everRegistered, failures);
                    }
                    return null;
                }));
            }
            // Anchors are live throughout: renewed (their files replaced) while readers list the directory.
            others.add(pool.submit(() -> {
                start.await();
                for (int round = 0; writing.get(); round++) {
                    for (ServiceInstance anchor : anchors) {
                        if (!handles.get(round % 2).renew(anchor.service(), anchor.id())) {
                            report(failures, "renew of live " + anchor.service() + "/" + anchor.id()
                                    + " returned false");
                        }
                    }
                }
                return null;
            }));
            for (int r = 0; r < READERS; r++) {
                FileServiceRegistry reader = handles.get(r % 2);
                others.add(pool.submit(() -> {
                    start.await();
                    do {
                        read(reader, anchors, everRegistered, failures);
                        reads.incrementAndGet();
                    } while (writing.get());
                    return null;
                }));
            }

            start.countDown();
            for (Future<?> writer : writers) {
                writer.get(40, TimeUnit.SECONDS);
            }
            writing.set(false);
            for (Future<?> other : others) {
                other.get(20, TimeUnit.SECONDS);
            }

            Set<ServiceInstance> expected = new HashSet<>(anchors);
            for (int i = 0; i < INSTANCES; i++) {
                ServiceInstance instance = expectedFinal(i);
                if (instance != null) {
                    expected.add(instance);
                }
            }
            assertThat(failures).as("failures of writers and readers").isEmpty();
            assertThat(reads.get()).as("reads made while writing").isGreaterThanOrEqualTo(READERS);
            for (FileServiceRegistry handle : handles) {
                Set<ServiceInstance> actual = SERVICES.stream().flatMap(s -> handle.instances(s).stream())
                        .collect(Collectors.toSet());
                assertThat(actual).as("instances seen through " + handle).isEqualTo(expected);
            }
            assertThat(first.services()).containsExactlyElementsOf(SERVICES);
            assertThat(entryFiles(dir)).hasSize(expected.size());
            assertThat(temporaryFiles(dir)).as("temporary files left behind").isEmpty();
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Register through one handle, renew through the other; every third is deregistered (and must not come back by
     * renewal), every fifth is then registered again as DOWN.
     */
    private static void runScript(int i, List<FileServiceRegistry> handles, Set<String> everRegistered,
                                  Queue<String> failures) {
        String service = serviceOf(i);
        String id = "i-" + i;
        ServiceRegistry one = handles.get(i % 2);
        ServiceRegistry other = handles.get((i + 1) % 2);
        try {
            everRegistered.add(service + "/" + id);
            one.register(instance(service, id), TTL);
            if (!other.renew(service, id)) {
                report(failures, "renew of " + service + "/" + id + " just registered returned false");
            }
            if (i % 3 == 0) {
                if (!one.deregister(service, id)) {
                    report(failures, "deregister of live " + service + "/" + id + " returned false");
                }
                if (other.renew(service, id)) {
                    report(failures, "renew of deregistered " + service + "/" + id + " returned true");
                }
            }
            if (i % 5 == 0) {
                other.register(instance(service, id).withStatus(Status.DOWN), TTL);
            }
        } catch (Throwable e) {
            report(failures, "writer of " + service + "/" + id + " threw " + e);
        }
    }

    private static void read(ServiceRegistry reader, List<ServiceInstance> anchors, Set<String> everRegistered,
                             Queue<String> failures) {
        try {
            for (String service : SERVICES) {
                List<ServiceInstance> instances = reader.instances(service);
                List<String> ids = instances.stream().map(ServiceInstance::id).toList();
                if (!ids.equals(ids.stream().sorted().distinct().toList())) {
                    report(failures, "instances(" + service + ") not ordered by unique id: " + ids);
                }
                for (ServiceInstance instance : instances) {
                    boolean known = everRegistered.contains(service + "/" + instance.id());
                    if (!instance.service().equals(service) || !known) {
                        report(failures, "instances(" + service + ") returned a ghost: " + instance);
                    }
                }
                for (ServiceInstance anchor : anchors) {
                    if (anchor.service().equals(service) && !ids.contains(anchor.id())) {
                        report(failures, "instances(" + service + ") missed " + anchor.id()
                                + ", live throughout (its file was being replaced)");
                    }
                }
            }
            if (!reader.services().containsAll(SERVICES)) {
                report(failures, "services() missed one of " + SERVICES);
            }
        } catch (Throwable e) {
            report(failures, "reader threw " + e);
        }
    }

    /** Keeps the first failures: enough to diagnose, few enough to print. */
    private static void report(Queue<String> failures, String failure) {
        if (failures.size() < 50) {
            failures.add(failure);
        }
    }

    private static List<Path> entryFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(file -> file.getFileName().toString().endsWith(".json")).toList();
        }
    }

    private static List<Path> temporaryFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(file -> file.getFileName().toString().endsWith(".tmp")).toList();
        }
    }
}
