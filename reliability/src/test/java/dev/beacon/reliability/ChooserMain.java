package dev.beacon.reliability;

import dev.beacon.ServiceInstance;
import dev.beacon.client.DiscoveryClient;
import dev.beacon.registry.Registries;
import dev.beacon.registry.ServiceRegistry;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A client JVM: a {@link DiscoveryClient} calling {@code choose(service)} continuously (ten calls, then a 1 ms
 * pause). Prints {@code ready} once it knows {@code expected} instances, a {@code stats} line every 500 ms, and a
 * {@code final} line when terminated (SIGTERM): {@code calls=N failures=N maxBatchMs=N ids=a,b,...}, where a failure
 * is a {@code choose()} that returned nothing or threw, and maxBatchMs the longest time ten calls took
 * (a {@code choose()} blocked on the registry would show there).
 *
 * <p>Usage: {@code ChooserMain <registry-uri> <service> <expected> <refresh-ms>}
 */
public final class ChooserMain {

    private static final AtomicLong calls = new AtomicLong();
    private static final AtomicLong failures = new AtomicLong();
    private static final AtomicLong maxBatchNanos = new AtomicLong();
    private static final Set<String> chosen = ConcurrentHashMap.newKeySet();
    private static volatile boolean stopping;

    private ChooserMain() {
    }

    public static void main(String[] args) throws Exception {
        String uri = args[0];
        String service = args[1];
        int expected = Integer.parseInt(args[2]);
        Duration refresh = Duration.ofMillis(Long.parseLong(args[3]));
        ServiceRegistry registry = Registries.open(uri);
        DiscoveryClient client = DiscoveryClient.builder(registry).refreshInterval(refresh).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (client.instances(service).size() < expected) {
            if (System.nanoTime() > deadline) {
                System.out.println("never saw " + expected + " instances: " + client.instances(service));
                System.exit(1);
            }
            Thread.sleep(50);
        }
        Thread loop = Thread.currentThread();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopping = true;
            try {
                loop.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            System.out.println("final " + stats());
            System.out.flush();
        }));
        Thread reporter = new Thread(() -> {
            while (!stopping) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
                System.out.println("stats " + stats());
            }
        }, "reporter");
        reporter.setDaemon(true);
        reporter.start();
        System.out.println("ready");
        while (!stopping) {
            long start = System.nanoTime();
            for (int i = 0; i < 10; i++) {
                calls.incrementAndGet();
                try {
                    Optional<ServiceInstance> one = client.choose(service);
                    if (one.isPresent()) {
                        chosen.add(one.get().id());
                    } else {
                        failures.incrementAndGet();
                    }
                } catch (RuntimeException e) {
                    failures.incrementAndGet();
                }
            }
            maxBatchNanos.accumulateAndGet(System.nanoTime() - start, Math::max);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    private static String stats() {
        return "calls=" + calls.get() + " failures=" + failures.get() + " maxBatchMs="
                + TimeUnit.NANOSECONDS.toMillis(maxBatchNanos.get()) + " ids=" + String.join(",", new TreeSet<>(chosen));
    }
}
