package dev.beacon.reliability;

import dev.beacon.ServiceInstance;
import dev.beacon.registry.ServiceRegistry;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/** Reads the registry from the test JVM, tolerating an unreachable registry (it is what the faults do). */
final class Probe {

    private static final long POLL_MILLIS = 20;

    private final ServiceRegistry registry;
    private final String service;

    Probe(ServiceRegistry registry, String service) {
        this.registry = registry;
        this.service = service;
    }

    /** The listed instances, or empty if the registry cannot be read now. */
    Optional<List<ServiceInstance>> read() {
        try {
            return Optional.of(registry.instances(service));
        } catch (RuntimeException unavailable) {
            return Optional.empty();
        }
    }

    static Set<String> ids(List<ServiceInstance> instances) {
        Set<String> ids = new TreeSet<>();
        instances.forEach(instance -> ids.add(instance.id()));
        return ids;
    }

    /**
     * Polls until the listed ids are exactly {@code expected}; returns the ms it took.
     *
     * @throws AssertionError with the last listing if that does not happen within {@code timeout}
     */
    long awaitExactly(Set<String> expected, Duration timeout) throws InterruptedException {
        return awaitListing("exactly " + expected, timeout, listed -> ids(listed).equals(expected));
    }

    /** Polls until {@code condition} holds for a listing; returns the ms it took. */
    long awaitListing(String what, Duration timeout, Predicate<List<ServiceInstance>> condition)
            throws InterruptedException {
        long start = System.nanoTime();
        Optional<List<ServiceInstance>> last = Optional.empty();
        while (true) {
            Optional<List<ServiceInstance>> listed = read();
            if (listed.isPresent()) {
                last = listed;
                if (condition.test(listed.get())) {
                    return (System.nanoTime() - start) / 1_000_000;
                }
            }
            if (System.nanoTime() - start > timeout.toNanos()) {
                throw new AssertionError("registry did not list " + what + " of '" + service + "' within "
                        + timeout + "; last listing: " + last.map(Probe::ids).map(Object::toString)
                        .orElse("(unreadable)"));
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    /**
     * Reads every 100 ms for {@code period} and returns the ids ever listed beyond {@code expected} (ghosts) and
     * those ever missing from it, as two sets in a list; unreadable moments are counted in {@code unreadable[0]}.
     */
    List<Set<String>> hold(Set<String> expected, Duration period, int[] unreadable) throws InterruptedException {
        Set<String> ghosts = new TreeSet<>();
        Set<String> missing = new TreeSet<>();
        long end = System.nanoTime() + period.toNanos();
        while (System.nanoTime() < end) {
            Optional<List<ServiceInstance>> listed = read();
            if (listed.isEmpty()) {
                unreadable[0]++;
            } else {
                Set<String> ids = ids(listed.get());
                ids.stream().filter(id -> !expected.contains(id)).forEach(ghosts::add);
                expected.stream().filter(id -> !ids.contains(id)).forEach(missing::add);
            }
            Thread.sleep(100);
        }
        return List.of(ghosts, missing);
    }
}
