package dev.beacon.registry.eureka;

import dev.beacon.ServiceInstance;
import dev.beacon.registry.Registration;
import dev.beacon.registry.Registries;
import dev.beacon.registry.RegistryEvent;
import dev.beacon.registry.ServiceRegistry;
import dev.beacon.registry.Subscription;
import dev.beacon.testing.JavaProcess;
import dev.beacon.testing.Jdks;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two real Eureka servers as a production pair runs them: peers replicating to each other (each names both in its
 * zone, and itself as {@code eureka.server.my-url}). The registry, given both ({@code eureka://A,B/eureka}), registers
 * and renews through the first; that server is SIGKILLed; renewals and reads go on through the survivor with nothing
 * lost: no renewal fails or finds the instance gone, it is never registered again, it stays listed at the survivor,
 * and a Spring Cloud Netflix Eureka client app reading only the survivor finds it throughout. The fail-over time
 * (the kill to the first renewal through the survivor) is printed.
 */
class EurekaPeersIT {

    @RegisterExtension
    static EurekaServers eureka = new EurekaServers();

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration TTL = Duration.ofSeconds(3);
    private static EurekaTestServer first;
    private static EurekaTestServer survivor;
    private static JavaProcess springReader;
    private static int springPort;

    @BeforeAll
    static void startPeersAndReader() throws Exception {
        Path clientJar = clientJar(); // before anything is started: it may skip the class
        int portA = EurekaTestServer.freePort();
        int portB = EurekaTestServer.freePort();
        while (portB == portA) {
            portB = EurekaTestServer.freePort();
        }
        String zone = "http://127.0.0.1:" + portA + "/eureka/,http://127.0.0.1:" + portB + "/eureka/";
        int a = portA;
        int b = portB;
        // started together: a Eureka server takes seconds to start
        CompletableFuture<EurekaTestServer> startA =
                CompletableFuture.supplyAsync(() -> eureka.start(a, peer(a, zone)));
        CompletableFuture<EurekaTestServer> startB =
                CompletableFuture.supplyAsync(() -> eureka.start(b, peer(b, zone)));
        springPort = EurekaTestServer.freePort();
        springReader = JavaProcess.start(Jdks.current(), List.of("-Xmx256m", "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC", "-jar", clientJar.toString(), "--server.port=" + springPort,
                "--server.address=127.0.0.1",
                "--eureka.client.service-url.defaultZone=http://127.0.0.1:" + portB + "/eureka/"));
        try {
            first = join(startA);
        } finally {
            survivor = join(startB); // even when the first failed: the extension then stops both
        }
    }

    private static EurekaTestServer join(CompletableFuture<EurekaTestServer> start) {
        try {
            return start.join();
        } catch (java.util.concurrent.CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e; // a skip stays a skip
        }
    }

    /** Both peers in the zone; {@code my-url} tells the server which of them it is (both are on 127.0.0.1). */
    private static Map<String, String> peer(int port, String zone) {
        return Map.of("eureka.client.service-url.defaultZone", zone,
                "eureka.server.my-url", "http://127.0.0.1:" + port + "/eureka/");
    }

    private static Path clientJar() {
        Path jar = Path.of("eureka-client-app/target/eureka-client-app.jar");
        if (Files.isRegularFile(jar)) {
            return jar.toAbsolutePath();
        }
        String reason = "the Eureka client app's jar is not built (" + jar.toAbsolutePath()
                + "; mvn -B package -pl eureka/eureka-client-app)";
        if (Boolean.getBoolean(EurekaTestServer.REQUIRED_PROPERTY)) {
            throw new org.opentest4j.AssertionFailedError(reason);
        }
        throw new org.opentest4j.TestAbortedException(reason + ", so this Eureka test is skipped");
    }

    @AfterAll
    static void stopReader() {
        if (springReader != null) {
            springReader.close();
        }
    }

    private static final java.util.regex.Pattern FOUND = java.util.regex.Pattern.compile(
            "\\{\"host\":\"[^\"]*\",\"instanceId\":\"([^\"]*)\",\"metadata\":\\{[^}]*\"version\":\"([^\"]*)\"");

    /**
     * What the Spring Eureka client app (reading the survivor only) finds of {@code service}: each instance's id and
     * metadata {@code version}, from its JSON (keys in order: host, instanceId, metadata, ...).
     */
    private static List<String> foundBySpring(String service) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                            + springPort + "/found/" + service)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return List.of();
            }
            List<String> found = new java.util.ArrayList<>();
            java.util.regex.Matcher matcher = FOUND.matcher(response.body());
            while (matcher.find()) {
                found.add(matcher.group(1) + " " + matcher.group(2));
            }
            return found;
        } catch (java.io.IOException e) {
            return List.of(); // still starting
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void awaitTrue(String what, Duration timeout, java.util.function.BooleanSupplier condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within " + timeout + "\nspring reader: "
                        + springReader.describe() + "\nsurvivor: " + survivor.tail());
            }
            Thread.sleep(20);
        }
    }

    @Test
    void serverInUseKilled_renewalsAndReadsGoOnThroughItsPeer_nothingLost() throws Exception {
        String uri = "eureka://127.0.0.1:" + first.port() + ",127.0.0.1:" + survivor.port() + "/eureka?timeout=2s";
        ServiceInstance instance = ServiceInstance.builder("peered").id("p-1").host("127.0.0.1").port(8080)
                .metadata("version", "5.2").build();
        Recording registry = new Recording(Registries.open(uri));
        try (ServiceRegistry reader = Registries.open(uri);
             Registration registration = Registration.start(registry, instance, TTL)) {
            // replicated to the peer (Eureka batches replication for up to 500 ms), and read there by Spring's client
            awaitTrue("replicated to the peer", Duration.ofSeconds(10),
                    () -> survivor.get("/eureka/apps/PEERED/p-1").statusCode() == 200);
            awaitTrue("found by the Spring reader of the peer", Duration.ofSeconds(90),
                    () -> foundBySpring("peered").equals(List.of("p-1 5.2")));
            awaitTrue("renewed through the first server", Duration.ofSeconds(5), () -> registry.renewals.get() > 0);

            long killedAt = System.nanoTime();
            first.kill();
            awaitTrue("a renewal through the survivor", Duration.ofSeconds(10),
                    () -> registry.lastRenewalStart.get() > killedAt);
            long failover = (registry.lastRenewalEnd.get() - killedAt) / 1_000_000;
            long call = (registry.lastRenewalEnd.get() - registry.lastRenewalStart.get()) / 1_000_000;
            System.out.printf("Eureka peers: SIGKILL of the server in use -> first renewal through the survivor "
                    + "%d ms after the kill (heartbeat %d ms; that renewal, its refused attempt at the dead server "
                    + "included, took %d ms)%n", failover, TTL.dividedBy(3).toMillis(), call);

            // two ttls more: every read goes on, at the survivor, by Beacon's reader and by Spring's
            long end = System.nanoTime() + TTL.multipliedBy(2).toNanos();
            int reads = 0;
            while (System.nanoTime() < end) {
                assertThat(reader.instances("peered")).as("Beacon's read %d after the kill", reads)
                        .containsExactly(instance);
                assertThat(survivor.get("/eureka/apps/PEERED").body()).as("the survivor's list").contains("\"p-1\"");
                assertThat(foundBySpring("peered")).as("the Spring reader of the survivor")
                        .containsExactly("p-1 5.2");
                reads++;
                Thread.sleep(200);
            }

            assertThat(registry.renewals.get()).as("renewals").isGreaterThanOrEqualTo(4);
            assertThat(registry.lost.get()).as("renewals that found the instance gone").isZero();
            assertThat(registry.failed.get()).as("renewals that failed").isZero();
            assertThat(registry.registers.get()).as("registered once, never again").isEqualTo(1);
            assertThat(failover).as("fail-over: within a heartbeat and a little")
                    .isLessThan(TTL.dividedBy(3).toMillis() + 1_500);
        } finally {
            registry.close();
        }
    }

    /** The registry the registration uses, recording its renewals (times and outcomes) and registrations. */
    private static final class Recording implements ServiceRegistry {
        private final ServiceRegistry delegate;
        final AtomicInteger registers = new AtomicInteger();
        final AtomicInteger renewals = new AtomicInteger();
        final AtomicInteger lost = new AtomicInteger();
        final AtomicInteger failed = new AtomicInteger();
        final AtomicLong lastRenewalStart = new AtomicLong(Long.MIN_VALUE);
        final AtomicLong lastRenewalEnd = new AtomicLong(Long.MIN_VALUE);

        Recording(ServiceRegistry delegate) {
            this.delegate = delegate;
        }

        @Override
        public void register(ServiceInstance instance, Duration ttl) {
            registers.incrementAndGet();
            delegate.register(instance, ttl);
        }

        @Override
        public boolean renew(String service, String id) {
            long start = System.nanoTime();
            boolean renewed;
            try {
                renewed = delegate.renew(service, id);
            } catch (RuntimeException e) {
                failed.incrementAndGet();
                throw e;
            }
            if (renewed) {
                renewals.incrementAndGet();
                lastRenewalEnd.set(System.nanoTime());
                lastRenewalStart.set(start); // last: the test waits on it, then reads the end
            } else {
                lost.incrementAndGet();
            }
            return renewed;
        }

        @Override
        public boolean deregister(String service, String id) {
            return delegate.deregister(service, id);
        }

        @Override
        public List<ServiceInstance> instances(String service) {
            return delegate.instances(service);
        }

        @Override
        public Set<String> services() {
            return delegate.services();
        }

        @Override
        public Subscription watch(String service, Consumer<RegistryEvent> listener) {
            return delegate.watch(service, listener);
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
