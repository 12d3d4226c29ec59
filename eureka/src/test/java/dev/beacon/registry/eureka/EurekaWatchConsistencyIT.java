package dev.beacon.registry.eureka;

import dev.beacon.ServiceInstance;
import dev.beacon.registry.RegistryEvent;
import dev.beacon.registry.ServiceRegistry;
import dev.beacon.registry.Subscription;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A watch of a Eureka registry hears of what any read of the same registry saw, not only of what its own poll saw.
 *
 * <p>Bug (found by the propagation benchmark: 2 of 50 listener closes never seen by a discovery client): an instance
 * that lived shorter than a poll interval was never reported by the watch, neither its registration nor its end. A
 * discovery client whose periodic full read fell inside that life listed the instance and, hearing of no end, kept
 * handing it out until its next full read, 30 s later. The poll here is 3 s, so that everything asserted within a
 * second can only have come from the reads.
 */
class EurekaWatchConsistencyIT {

    @RegisterExtension
    static EurekaServers eureka = new EurekaServers();

    private static final Duration POLL = Duration.ofSeconds(3);
    private static final Duration SOON = Duration.ofMillis(800);

    private static EurekaTestServer server;

    @BeforeAll
    static void startServer() {
        server = eureka.start(Map.of());
    }

    private static ServiceInstance instance(String id) {
        return ServiceInstance.builder("consist").id(id).host("127.0.0.1").port(8080).build();
    }

    private static List<String> seen(List<RegistryEvent> events) {
        return events.stream().map(event -> event.type() + " " + event.instance().id()).toList();
    }

    @Test
    void aReadBetweenTwoPolls_isHeardByTheWatch_andTheEndOfWhatItSawToo() {
        server.clear();
        List<RegistryEvent> events = new CopyOnWriteArrayList<>();
        try (ServiceRegistry registry = EurekaServiceRegistry.open(server.uri("?poll=" + POLL.toMillis() + "ms"));
             Subscription ignored = registry.watch("consist", events::add)) {
            // registered and read at once: the watch hears of it from that read, long before its next poll
            registry.register(instance("a-1"), Duration.ofSeconds(30));
            assertThat(registry.instances("consist")).extracting(ServiceInstance::id).containsExactly("a-1");
            await().atMost(SOON).until(() -> seen(events).equals(List.of("REGISTERED a-1")));

            // a life shorter than a poll, seen by one read in between: its end is reported too, by the next poll
            registry.register(instance("b-1"), Duration.ofSeconds(30));
            assertThat(registry.instances("consist")).extracting(ServiceInstance::id).contains("b-1");
            registry.deregister("consist", "b-1");
            await().atMost(POLL.plus(SOON)).until(() -> seen(events).contains("DEREGISTERED b-1"));

            assertThat(seen(events)).containsExactly("REGISTERED a-1", "REGISTERED b-1", "DEREGISTERED b-1");
        }
    }

    @Test
    void aReadThatStartedBeforeTheLastOneHeard_isIgnored() throws Exception {
        server.clear();
        List<RegistryEvent> events = new CopyOnWriteArrayList<>();
        try (ServiceRegistry registry = EurekaServiceRegistry.open(server.uri("?poll=" + POLL.toMillis() + "ms"));
             Subscription ignored = registry.watch("consist", events::add)) {
            registry.register(instance("c-1"), Duration.ofSeconds(30));
            // many reads from several threads at once: the events stay one registration, in order, no flapping
            List<Thread> readers = new java.util.ArrayList<>();
            for (int t = 0; t < 4; t++) {
                Thread reader = new Thread(() -> {
                    for (int i = 0; i < 20; i++) {
                        registry.instances("consist");
                    }
                });
                reader.start();
                readers.add(reader);
            }
            for (Thread reader : readers) {
                reader.join();
            }
            registry.deregister("consist", "c-1");
            registry.instances("consist");

            await().atMost(SOON).until(() -> seen(events).contains("DEREGISTERED c-1"));
            assertThat(seen(events)).containsExactly("REGISTERED c-1", "DEREGISTERED c-1");
        }
    }
}
