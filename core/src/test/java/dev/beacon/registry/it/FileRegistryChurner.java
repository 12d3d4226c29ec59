package dev.beacon.registry.it;

import dev.beacon.ServiceInstance;
import dev.beacon.Status;
import dev.beacon.registry.FileServiceRegistry;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The child JVM of {@link FileRegistryChurnIT}: {@code threads} threads each run {@code cycles} scripted
 * register/renew/deregister cycles on one registry directory through two registry objects, while one more thread
 * keeps renewing this process's anchor. Prints {@code done <cycles> <failures>} and one {@code FAIL …} line per
 * failure, then exits.
 */
public final class FileRegistryChurner {

    static final List<String> SERVICES = List.of("orders", "payments", "stock");
    static final Duration TTL = Duration.ofMinutes(10);

    private FileRegistryChurner() {
    }

    static ServiceInstance instance(String service, String id) {
        return ServiceInstance.builder(service).id(id).host("10.0.0.5").port(8080).metadata("zone", "eu-1").build();
    }

    static String serviceOf(int cycle) {
        return SERVICES.get(cycle % SERVICES.size());
    }

    static String idOf(int process, int thread, int cycle) {
        return "p" + process + "-t" + thread + "-c" + cycle;
    }

    static ServiceInstance anchor(int process) {
        return instance("orders", "anchor-" + process);
    }

    /** What the script leaves of one cycle: null if it deregisters it for good. */
    static ServiceInstance expectedFinal(int process, int thread, int cycle) {
        ServiceInstance instance = instance(serviceOf(cycle), idOf(process, thread, cycle));
        if (cycle % 5 == 0) {
            return instance.withStatus(Status.DOWN);
        }
        return cycle % 3 == 0 ? null : instance;
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int process = Integer.parseInt(args[1]);
        int threads = Integer.parseInt(args[2]);
        int cycles = Integer.parseInt(args[3]);
        Queue<String> failures = new ConcurrentLinkedQueue<>();
        AtomicInteger done = new AtomicInteger();
        AtomicBoolean churning = new AtomicBoolean(true);
        try (FileServiceRegistry one = new FileServiceRegistry(dir);
             FileServiceRegistry two = new FileServiceRegistry(dir)) {
            List<FileServiceRegistry> handles = List.of(one, two);
            ServiceInstance anchor = anchor(process);
            Thread renewer = new Thread(() -> {
                while (churning.get()) {
                    try {
                        if (!two.renew(anchor.service(), anchor.id())) {
                            failures.add("renew of live anchor " + anchor.id() + " returned false");
                        }
                    } catch (RuntimeException e) {
                        failures.add("renew of anchor threw " + e);
                    }
                }
            });
            one.register(anchor, TTL);
            renewer.start();
            System.out.println("ready");
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                Thread worker = new Thread(() -> {
                    for (int c = 0; c < cycles; c++) {
                        runCycle(process, thread, c, handles, failures);
                        done.incrementAndGet();
                    }
                });
                worker.start();
                workers.add(worker);
            }
            for (Thread worker : workers) {
                worker.join();
            }
            churning.set(false);
            renewer.join();
        }
        failures.stream().limit(20).forEach(f -> System.out.println("FAIL " + f));
        System.out.println("done " + done.get() + " " + failures.size());
    }

    private static void runCycle(int process, int thread, int cycle, List<FileServiceRegistry> handles,
                                 Queue<String> failures) {
        String service = serviceOf(cycle);
        String id = idOf(process, thread, cycle);
        FileServiceRegistry first = handles.get(cycle % 2);
        FileServiceRegistry second = handles.get((cycle + 1) % 2);
        try {
            first.register(instance(service, id), TTL);
            if (!second.renew(service, id)) {
                failures.add("renew of " + id + " just registered returned false");
            }
            if (cycle % 3 == 0) {
                if (!first.deregister(service, id)) {
                    failures.add("deregister of live " + id + " returned false");
                }
                if (second.renew(service, id)) {
                    failures.add("renew of deregistered " + id + " returned true");
                }
            }
            if (cycle % 5 == 0) {
                second.register(instance(service, id).withStatus(Status.DOWN), TTL);
            }
        } catch (RuntimeException e) {
            failures.add("cycle " + id + " threw " + e);
        }
    }
}
