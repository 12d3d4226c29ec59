package dev.beacon.reliability;

import dev.beacon.ServiceInstance;
import dev.beacon.registry.Registries;
import dev.beacon.registry.ServiceRegistry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A churn JVM: {@code threads} threads, each running {@code cycles} cycles on instance ids of its own, all of one
 * service. A cycle registers {@code p<proc>-t<thread>-c<cycle>} (metadata {@code round=1}), renews it, registers it
 * again with {@code round=2} (an update), then deregisters it — except every fourth cycle ({@link #kept}), whose
 * instance stays. Prints {@code churn cycles=N anomalies=N} (an anomaly: a renew or deregister that reported the
 * instance missing, or an exception) and the first anomalies.
 *
 * <p>Usage: {@code ChurnMain <registry-uri> <service> <proc> <threads> <cycles>}
 */
public final class ChurnMain {

    static final Duration TTL = Duration.ofMinutes(10);

    private ChurnMain() {
    }

    /** Whether cycle {@code cycle} keeps its instance registered. */
    static boolean kept(int cycle) {
        return cycle % 4 == 0;
    }

    static String id(int proc, int thread, int cycle) {
        return "p" + proc + "-t" + thread + "-c" + cycle;
    }

    public static void main(String[] args) throws Exception {
        String uri = args[0];
        String service = args[1];
        int proc = Integer.parseInt(args[2]);
        int threads = Integer.parseInt(args[3]);
        int cycles = Integer.parseInt(args[4]);
        AtomicLong done = new AtomicLong();
        ConcurrentLinkedQueue<String> anomalies = new ConcurrentLinkedQueue<>();
        CountDownLatch go = new CountDownLatch(1);
        try (ServiceRegistry registry = Registries.open(uri)) {
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                workers.add(new Thread(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    for (int c = 0; c < cycles; c++) {
                        String id = id(proc, thread, c);
                        try {
                            ServiceInstance instance = ServiceInstance.builder(service).id(id).host("127.0.0.1")
                                    .port(10_000 + c).metadata("round", "1").build();
                            registry.register(instance, TTL);
                            if (!registry.renew(service, id)) {
                                anomalies.add(id + ": renew right after register said it was missing");
                            }
                            registry.register(instance.toBuilder().metadata("round", "2").build(), TTL);
                            if (!kept(c) && !registry.deregister(service, id)) {
                                anomalies.add(id + ": deregister said it was missing");
                            }
                        } catch (RuntimeException e) {
                            anomalies.add(id + ": " + e);
                        }
                        done.incrementAndGet();
                    }
                }, "churn-" + t));
            }
            workers.forEach(Thread::start);
            go.countDown();
            for (Thread worker : workers) {
                worker.join();
            }
        }
        System.out.println("churn cycles=" + done.get() + " anomalies=" + anomalies.size());
        anomalies.stream().limit(10).forEach(a -> System.out.println("anomaly " + a));
    }
}
