package dev.beacon.registry;

import dev.beacon.ServiceInstance;
import dev.beacon.Status;
import dev.beacon.registry.RegistryEvent.Type;
import dev.beacon.testing.Stderr;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The file registry's watch: changes pushed by the directory (inotify on Linux), not found by polling. Each test has
 * a watching registry and a second one on the same directory that makes the changes, as another process would.
 */
class FileServiceRegistryWatchTest {

    private static final Duration TTL = Duration.ofMinutes(1);

    @TempDir
    Path tempDir;

    private final List<ServiceRegistry> opened = new ArrayList<>();

    @AfterEach
    void closeAll() {
        opened.forEach(ServiceRegistry::close);
    }

    private <R extends ServiceRegistry> R open(R registry) {
        opened.add(registry);
        return registry;
    }

    private FileServiceRegistry watcher(Path dir, Duration pollInterval) {
        return open(new FileServiceRegistry(dir, Clock.systemUTC(), pollInterval));
    }

    private FileServiceRegistry writer(Path dir) {
        return open(new FileServiceRegistry(dir));
    }

    private static ServiceInstance instance(String id, int port) {
        return ServiceInstance.builder("orders").id(id).host("127.0.0.1").port(port).build();
    }

    /** Events with the nanoTime they arrived at. */
    private static final class Timed {
        final BlockingQueue<RegistryEvent> events = new LinkedBlockingQueue<>();
        final Map<RegistryEvent, Long> arrivedAt = new java.util.concurrent.ConcurrentHashMap<>();

        void accept(RegistryEvent event) {
            arrivedAt.putIfAbsent(event, System.nanoTime());
            events.add(event);
        }

        RegistryEvent next(Duration timeout) throws InterruptedException {
            RegistryEvent event = events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(event).as("an event within " + timeout).isNotNull();
            return event;
        }
    }

    // ---- pushed, not polled

    @Test
    void watch_changesByAnotherRegistry_arriveWithinMilliseconds() throws Exception {
        Path dir = tempDir.resolve("registry");
        FileServiceRegistry watcher = watcher(dir, Duration.ofMillis(200));
        FileServiceRegistry writer = writer(dir);
        writer.register(instance("anchor", 1), TTL); // the directory exists before the watch starts
        Timed timed = new Timed();
        watcher.watch("orders", timed::accept);
        assertThat(watcher.pushing()).as("changes pushed by the directory").isTrue();

        List<Long> micros = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            ServiceInstance changed = instance("i-" + (i / 3), 8000 + i);
            long before = System.nanoTime();
            switch (i % 3) {
                case 0 -> writer.register(changed, TTL);
                case 1 -> writer.register(changed.withStatus(Status.DOWN), TTL);
                default -> writer.deregister("orders", changed.id());
            }
            RegistryEvent event = timed.next(Duration.ofSeconds(5));
            assertThat(event.type()).isEqualTo(i % 3 == 0 ? Type.REGISTERED : i % 3 == 1 ? Type.UPDATED
                    : Type.DEREGISTERED);
            micros.add((timed.arrivedAt.get(event) - before) / 1_000);
            Thread.sleep(20); // apart, so that each change is one event
        }

        List<Long> sorted = micros.stream().sorted().toList();
        long p50 = sorted.get(sorted.size() / 2);
        long max = sorted.get(sorted.size() - 1);
        System.out.printf(Locale.ROOT, "file registry watch: change -> event over %d changes: p50 %.2f ms, "
                + "max %.2f ms (the 200 ms poll before took 100 ms on average)%n", sorted.size(), p50 / 1000.0,
                max / 1000.0);
        assertThat(p50).as("median µs from a change to its event").isLessThan(100_000);
    }

    /**
     * Regression: the watch compared the directory with what it had read 200 ms before, so an instance that stopped
     * and registered again between two reads (a restart, or an agent deregistering and registering the same
     * instance) was never reported as stopped: a watching client kept routing to it through the gap.
     */
    @Test
    void watch_instanceStoppedAndRegisteredAgainBetweenTwoPolls_stopIsDelivered() throws Exception {
        Path dir = tempDir.resolve("registry");
        FileServiceRegistry watcher = watcher(dir, Duration.ofSeconds(1));
        FileServiceRegistry writer = writer(dir);
        ServiceInstance orders = instance("orders-1", 8080);
        writer.register(instance("anchor", 1), TTL);
        Timed timed = new Timed();
        watcher.watch("orders", timed::accept);
        writer.register(orders, TTL);
        assertThat(timed.next(Duration.ofSeconds(5))).isEqualTo(new RegistryEvent(Type.REGISTERED, orders));

        writer.deregister("orders", "orders-1");
        Thread.sleep(100);
        writer.register(orders, TTL);

        assertThat(timed.next(Duration.ofSeconds(3))).isEqualTo(new RegistryEvent(Type.DEREGISTERED, orders));
        assertThat(timed.next(Duration.ofSeconds(3))).isEqualTo(new RegistryEvent(Type.REGISTERED, orders));
    }

    @Test
    void watch_leaseRunsOut_deliversExpiredAtItsDeadlineNotAtTheNextRescan() throws Exception {
        Path dir = tempDir.resolve("registry");
        FileServiceRegistry watcher = watcher(dir, Duration.ofMillis(200));
        FileServiceRegistry writer = writer(dir);
        writer.register(instance("anchor", 1), TTL);
        Timed timed = new Timed();
        watcher.watch("orders", timed::accept);
        ServiceInstance shortLived = instance("short", 8080);

        long registered = System.nanoTime();
        writer.register(shortLived, Duration.ofSeconds(1));
        assertThat(timed.next(Duration.ofSeconds(5)).type()).isEqualTo(Type.REGISTERED);
        RegistryEvent expired = timed.next(Duration.ofSeconds(4));

        long millis = (timed.arrivedAt.get(expired) - registered) / 1_000_000;
        System.out.printf(Locale.ROOT, "file registry watch: ttl 1 s -> EXPIRED after %d ms%n", millis);
        assertThat(expired).isEqualTo(new RegistryEvent(Type.EXPIRED, shortLived));
        // the deadline is stored in whole wall-clock milliseconds (the registry's Clock), measured here on the
        // monotonic clock: it may fall up to 1 ms before registered + ttl, which is no early expiry
        assertThat(millis).as("ms from registration (ttl 1 s) to EXPIRED").isBetween(999L, 2_000L);
    }

    // ---- the directory

    @Test
    void watch_directoryCreatedAfterWatchStarted_deliversItsEntriesAtOnce() throws Exception {
        Path dir = tempDir.resolve("later");
        FileServiceRegistry watcher = watcher(dir, Duration.ofSeconds(5)); // a poll would take up to 5 s
        FileServiceRegistry writer = writer(dir);
        Timed timed = new Timed();
        watcher.watch("orders", timed::accept);
        assertThat(dir).doesNotExist();
        ServiceInstance orders = instance("orders-1", 8080);

        long before = System.nanoTime();
        writer.register(orders, TTL);

        RegistryEvent event = timed.next(Duration.ofSeconds(3));
        long millis = (timed.arrivedAt.get(event) - before) / 1_000_000;
        System.out.printf(Locale.ROOT, "file registry watch: directory created after the watch -> event after %d "
                + "ms%n", millis);
        assertThat(event).isEqualTo(new RegistryEvent(Type.REGISTERED, orders));
        assertThat(millis).isLessThan(1_000);
        assertThat(watcher.pushing()).isTrue();
    }

    @Test
    void watch_directoryDeletedThenCreatedAgain_deliversTheLossThenTheNewEntries() throws Exception {
        Path dir = tempDir.resolve("registry");
        FileServiceRegistry watcher = watcher(dir, Duration.ofSeconds(5));
        FileServiceRegistry writer = writer(dir);
        ServiceInstance before = instance("before", 8080);
        writer.register(before, TTL);
        Timed timed = new Timed();
        watcher.watch("orders", timed::accept);

        deleteTree(dir);
        assertThat(timed.next(Duration.ofSeconds(3))).isEqualTo(new RegistryEvent(Type.DEREGISTERED, before));
        ServiceInstance after = instance("after", 8081);
        writer.register(after, TTL); // the writer creates the directory again

        assertThat(timed.next(Duration.ofSeconds(3))).isEqualTo(new RegistryEvent(Type.REGISTERED, after));
        assertThat(watcher.instances("orders")).containsExactly(after);
        writer.deregister("orders", "after");
        assertThat(timed.next(Duration.ofSeconds(3))).isEqualTo(new RegistryEvent(Type.DEREGISTERED, after));
    }

    /** Regression: a registry whose directory was deleted while in use (a /tmp cleaner) failed every write after. */
    @Test
    void register_directoryDeletedWhileInUse_createsItAgainPrivate() throws IOException {
        Path dir = tempDir.resolve("registry");
        FileServiceRegistry writer = writer(dir);
        writer.register(instance("first", 8080), TTL);

        deleteTree(dir);
        writer.register(instance("second", 8081), TTL);

        assertThat(writer.instances("orders")).extracting(ServiceInstance::id).containsExactly("second");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
                .isEqualTo("rwx------");
    }

    /**
     * More changes than the JDK queues for one directory (512 events) while the watch thread is held: the queue
     * overflows, and the watch must read everything again rather than wait for its safety rescan (5 s).
     */
    @Test
    void watch_eventsOverflowWhileWatchThreadIsBusy_everyChangeIsDeliveredAtOnce() throws Exception {
        Path dir = tempDir.resolve("registry");
        GateClock clock = new GateClock();
        FileServiceRegistry watcher = open(new FileServiceRegistry(dir, clock, Duration.ofMillis(200)));
        FileServiceRegistry writer = writer(dir);
        writer.register(instance("anchor", 1), TTL);
        Timed timed = new Timed();
        watcher.watch("orders", timed::accept);

        clock.close();
        writer.register(instance("trigger", 2), TTL);
        assertThat(clock.held.await(5, TimeUnit.SECONDS)).as("watch thread held").isTrue();
        int count = 400; // about 4 events per write: 1,600 events
        for (int i = 0; i < count; i++) {
            writer.register(instance("i-" + i, 9000 + i), TTL);
        }
        long released = System.nanoTime();
        clock.open();

        await("every registration delivered").atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(10))
                .until(() -> timed.events.size() == count + 1);
        System.out.printf(Locale.ROOT, "file registry watch: %d changes made while the watch thread was held, all "
                + "delivered %d ms after its release%n", count + 1, (System.nanoTime() - released) / 1_000_000);
        assertThat(timed.events).allMatch(event -> event.type() == Type.REGISTERED);
    }

    /** The system clock; {@link #close()} makes the registry's watch thread wait in {@link #millis()}. */
    private static final class GateClock extends Clock {
        final CountDownLatch held = new CountDownLatch(1);
        private volatile CountDownLatch gate = new CountDownLatch(0);

        void close() {
            gate = new CountDownLatch(1);
        }

        void open() {
            gate.countDown();
        }

        @Override
        public long millis() {
            if (Thread.currentThread().getName().equals("beacon-file-registry-watch") && gate.getCount() > 0) {
                held.countDown();
                try {
                    gate.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return System.currentTimeMillis();
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis());
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }

    @Test
    void watch_watchServiceUnavailable_pollsAndSaysSoOnce() throws Exception {
        Path dir = tempDir.resolve("registry");
        FileServiceRegistry writer = writer(dir);
        writer.register(instance("anchor", 1), TTL);
        FileServiceRegistry watcher = open(new FileServiceRegistry(dir, Clock.systemUTC(), Duration.ofMillis(50),
                () -> {
                    throw new IOException("User limit of inotify instances reached or too many open files");
                }));
        Timed timed = new Timed();
        ServiceInstance orders = instance("orders-1", 8080);

        List<String> logged = Stderr.linesDuring(() -> {
            watcher.watch("orders", timed::accept);
            watcher.watch("payments", event -> { });
            writer.register(orders, TTL);
            assertThat(timed.next(Duration.ofSeconds(3))).isEqualTo(new RegistryEvent(Type.REGISTERED, orders));
            writer.deregister("orders", "orders-1");
            assertThat(timed.next(Duration.ofSeconds(3))).isEqualTo(new RegistryEvent(Type.DEREGISTERED, orders));
        });

        assertThat(watcher.pushing()).isFalse();
        assertThat(logged).hasSize(1);
        assertThat(logged.get(0)).contains("WARN", "cannot watch registry directory " + dir,
                "User limit of inotify instances", "reading it every 50 ms instead");
    }

    @Test
    void close_releasesTheWatchThreadAndTheWatchService() {
        Path dir = tempDir.resolve("registry");
        FileServiceRegistry writer = writer(dir);
        writer.register(instance("anchor", 1), TTL);
        int watchThreads = threads("beacon-file-registry-watch");
        int jdkWatchThreads = threads("FileSystemWatchService");
        FileServiceRegistry watcher = new FileServiceRegistry(dir);
        watcher.watch("orders", event -> { });
        assertThat(threads("beacon-file-registry-watch")).isEqualTo(watchThreads + 1);
        assertThat(threads("FileSystemWatchService")).isEqualTo(jdkWatchThreads + 1);

        watcher.close();

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(threads("beacon-file-registry-watch")).isEqualTo(watchThreads);
            assertThat(threads("FileSystemWatchService")).isEqualTo(jdkWatchThreads);
        });
    }

    private static int threads(String name) {
        return (int) Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().equals(name) && thread.isAlive()).count();
    }

    // ---- nothing missed

    /**
     * Four threads of another registry object register, update and deregister 30 instances as fast as they can; the
     * events, applied in order to what the watcher started with, must give exactly what the directory holds at the
     * end, and each event must make sense for what came before it (no stop of an unknown instance, no second
     * registration of a known one).
     */
    @Test
    void watch_churnFromAnotherRegistry_eventsReplayToTheFinalState() throws Exception {
        Path dir = tempDir.resolve("registry");
        FileServiceRegistry watcher = watcher(dir, Duration.ofMillis(200));
        FileServiceRegistry writer = writer(dir);
        writer.register(instance("anchor", 1), TTL);
        Queue<String> inconsistencies = new ConcurrentLinkedQueue<>();
        Map<String, ServiceInstance> replayed = new HashMap<>();
        List<RegistryEvent> log = new ArrayList<>();
        Object lock = new Object();
        synchronized (lock) {
            watcher.watch("orders", event -> {
                synchronized (lock) {
                    log.add(event);
                    String id = event.instance().id();
                    boolean known = replayed.containsKey(id);
                    switch (event.type()) {
                        case REGISTERED -> {
                            if (known) {
                                inconsistencies.add("REGISTERED of known " + id);
                            }
                            replayed.put(id, event.instance());
                        }
                        case UPDATED -> {
                            if (!known || replayed.get(id).equals(event.instance())) {
                                inconsistencies.add("UPDATED of " + (known ? "unchanged " : "unknown ") + id);
                            }
                            replayed.put(id, event.instance());
                        }
                        default -> {
                            if (!known) {
                                inconsistencies.add(event.type() + " of unknown " + id);
                            }
                            replayed.remove(id);
                        }
                    }
                }
            });
            watcher.instances("orders").forEach(instance -> replayed.put(instance.id(), instance));
        }

        int operations = churn(writer, 4, 1_500);

        await("events caught up with the directory").atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
                    synchronized (lock) {
                        assertThat(replayed.values()).containsExactlyInAnyOrderElementsOf(
                                writer.instances("orders"));
                    }
                });
        synchronized (lock) {
            System.out.printf(Locale.ROOT, "file registry watch: %d changes by 4 threads -> %d events, %d live at "
                    + "the end%n", operations, log.size(), replayed.size());
            assertThat(inconsistencies).isEmpty();
            assertThat(log.size()).as("events (changes close together may be coalesced)")
                    .isGreaterThan(operations / 50);
        }
    }

    /** {@code threads} threads each make {@code perThread} random changes to 30 instances; returns the count. */
    private static int churn(ServiceRegistry writer, int threads, int perThread) throws Exception {
        List<Thread> started = new ArrayList<>();
        Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
        for (int t = 0; t < threads; t++) {
            Random random = new Random(t);
            Thread thread = new Thread(() -> {
                try {
                    for (int i = 0; i < perThread; i++) {
                        ServiceInstance instance = instance("i-" + random.nextInt(30), 8000 + random.nextInt(3));
                        switch (random.nextInt(4)) {
                            case 0, 1 -> writer.register(instance, TTL);
                            case 2 -> writer.renew("orders", instance.id());
                            default -> writer.deregister("orders", instance.id());
                        }
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
            thread.start();
            started.add(thread);
        }
        for (Thread thread : started) {
            thread.join();
        }
        assertThat(failures).isEmpty();
        return threads * perThread;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
