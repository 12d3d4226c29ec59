package dev.beacon.springcloud;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.context.ConfigurableApplicationContext;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One Spring Boot app (RestClient, WebClient, OpenFeign, Gateway {@code lb://orders}) over three sample-app JVMs
 * registered by the agent in the registry a subclass starts. The tests run in order on the same fleet: spread, then
 * app-0 stopped with SIGTERM, then app-1 killed with SIGKILL.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class SpringCloudLookupContract {

    /** A short lease, so a killed instance expires within the test; drain covers the SIGTERM propagation. */
    static final String AGENT_OPTIONS = "ttl=2s,heartbeat=500ms,drain=500ms";
    private static final Duration LEASE_END = Duration.ofSeconds(8);

    private Orders orders;
    private ConfigurableApplicationContext context;
    private LookupApp.Clients clients;

    /** Starts the fleet and the app on {@code registry}; call from the subclass's {@code @BeforeAll}. */
    void start(String registry) throws Exception {
        orders = Orders.start(3, "orders", registry, AGENT_OPTIONS);
        context = LookupApp.start(registry, Map.of());
        clients = LookupApp.Clients.of(context);
        DiscoveryClient discovery = context.getBean(DiscoveryClient.class);
        await().atMost(Duration.ofSeconds(30)).until(() -> discovery.getInstances("orders").size() == 3);
    }

    @AfterAll
    void stop() {
        if (context != null) {
            context.close();
        }
        if (orders != null) {
            orders.close();
        }
    }

    private List<Callable<String>> viaEach() {
        return List.of(clients::viaRestClient, clients::viaWebClient, clients::viaFeign, clients::viaGateway);
    }

    /** The instance ids ("app-1") of the answers to {@code times} calls through each client, counted. */
    private Map<String, Integer> spread(int times) throws Exception {
        Map<String, Integer> counts = new TreeMap<>();
        for (Callable<String> client : viaEach()) {
            for (int i = 0; i < times; i++) {
                String body = client.call();
                counts.merge(body.substring(0, body.indexOf(' ')), 1, Integer::sum);
            }
        }
        return counts;
    }

    @Test
    @Order(1)
    void calls_threeInstances_spreadOverAll() throws Exception {
        Map<String, Integer> counts = spread(12);

        assertThat(counts).containsOnlyKeys("app-0", "app-1", "app-2");
        assertThat(counts.values()).allMatch(count -> count >= 8, "each got at least 8 of 48: " + counts);
    }

    @Test
    @Order(2)
    void discoveryClient_servesMetadataAndHealth() {
        DiscoveryClient discovery = context.getBean(DiscoveryClient.class);
        assertThat(discovery).isInstanceOf(org.springframework.cloud.client.discovery.composite
                .CompositeDiscoveryClient.class);
        assertThat(discovery.getServices()).contains("orders");
        assertThat(discovery.getInstances("orders")).allSatisfy(instance -> {
            assertThat(instance.getHost()).isEqualTo("127.0.0.1");
            assertThat(instance.getScheme()).isEqualTo("http");
            assertThat(instance.isSecure()).isFalse();
        });
        LoadBalancerClientFactory balancers = context.getBean(LoadBalancerClientFactory.class);
        assertThat(balancers.getInstance("orders")).isInstanceOf(BeaconLoadBalancer.class);
        assertThat(balancers.getInstance("orders", ServiceInstanceListSupplier.class))
                .isInstanceOf(BeaconServiceInstanceListSupplier.class);
        assertThat(Line.beaconHealthUp(context)).as("beacon health UP").isTrue();
    }

    @Test
    @Order(3)
    void sigterm_oneInstance_noCallGoesToIt() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger failed = new AtomicInteger();
        List<String> answers = java.util.Collections.synchronizedList(new ArrayList<>());
        Thread load = new Thread(() -> {
            while (!stop.get()) {
                try {
                    answers.add(clients.viaRestClient());
                } catch (RuntimeException e) {
                    failed.incrementAndGet();
                }
            }
        }, "load");
        load.start();
        Thread.sleep(200);
        orders.app(0).terminate(Duration.ofSeconds(20));
        Thread.sleep(200);
        stop.set(true);
        load.join();

        assertThat(failed.get()).as("calls failed during the SIGTERM (of %s)", answers.size()).isZero();
        assertThat(spread(10)).containsOnlyKeys("app-1", "app-2");
    }

    @Test
    @Order(4)
    void sigkill_oneInstance_callsStopReachingItOnceItsLeaseEnds() throws Exception {
        orders.app(1).kill();

        await().atMost(LEASE_END).pollInterval(Duration.ofMillis(200)).until(() -> {
            try {
                return spread(2).keySet().equals(java.util.Set.of("app-2"));
            } catch (Exception e) {
                return false; // a call to the killed instance before its lease ended
            }
        });
        assertThat(spread(10)).containsOnlyKeys("app-2");
    }
}
