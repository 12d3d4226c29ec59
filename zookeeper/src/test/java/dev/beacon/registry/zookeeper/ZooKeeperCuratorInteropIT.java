package dev.beacon.registry.zookeeper;

import dev.beacon.ServiceInstance;
import dev.beacon.Status;
import dev.beacon.registry.RegistryEvent;
import dev.beacon.registry.ServiceRegistry;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.apache.curator.x.discovery.ServiceDiscoveryBuilder;
import org.apache.curator.x.discovery.ServiceProvider;
import org.apache.curator.x.discovery.details.JsonInstanceSerializer;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.cloud.zookeeper.discovery.ZookeeperInstance;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Beacon and Apache Curator's service discovery (its public API, as someone else's app uses it) on one real
 * ZooKeeper: each finds what the other registered.
 */
class ZooKeeperCuratorInteropIT {

    @RegisterExtension
    static ZooKeeperServers zookeeper = new ZooKeeperServers();

    private static final AtomicInteger TESTS = new AtomicInteger();
    private static TestingServer server;
    private CuratorFramework curator;
    private String basePath;
    private ServiceRegistry beacon;

    @BeforeAll
    static void startServer() {
        server = zookeeper.standalone();
    }

    @BeforeEach
    void open() {
        basePath = "/interop-" + TESTS.incrementAndGet();
        curator = CuratorFrameworkFactory.newClient(server.getConnectString(), new RetryOneTime(100));
        curator.start();
        beacon = ZooKeeperServiceRegistry.open("zookeeper://" + server.getConnectString() + basePath);
    }

    @AfterEach
    void close() {
        beacon.close();
        curator.close();
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    private ServiceDiscovery<Map> mapDiscovery() throws Exception {
        ServiceDiscovery<Map> discovery = ServiceDiscoveryBuilder.builder(Map.class).client(curator).basePath(basePath)
                .serializer(new JsonInstanceSerializer<>(Map.class)).build();
        discovery.start();
        return discovery;
    }

    private static ServiceInstance orders() {
        return ServiceInstance.builder("orders").id("orders-1").host("127.0.0.1").port(8080)
                .metadata(Map.of("version", "2.0", "zone", "eu-1")).ports(Map.of("admin", 9090)).build();
    }

    @Test
    @SuppressWarnings("rawtypes")
    void beaconRegistered_curatorServiceDiscoveryFindsIt_withMetadataAndNamedPortsInPayload() throws Exception {
        beacon.register(orders(), Duration.ofSeconds(30));

        try (ServiceDiscovery<Map> discovery = mapDiscovery()) {
            assertThat(discovery.queryForNames()).containsExactly("orders");
            Collection<org.apache.curator.x.discovery.ServiceInstance<Map>> found = discovery.queryForInstances("orders");
            assertThat(found).hasSize(1);
            org.apache.curator.x.discovery.ServiceInstance<Map> instance = found.iterator().next();
            assertThat(instance.getName()).isEqualTo("orders");
            assertThat(instance.getId()).isEqualTo("orders-1");
            assertThat(instance.getAddress()).isEqualTo("127.0.0.1");
            assertThat(instance.getPort()).isEqualTo(8080);
            assertThat(instance.isEnabled()).isTrue();
            Map payload = instance.getPayload();
            assertThat((Map<String, Object>) payload.get("metadata")).containsEntry("version", "2.0").containsEntry("zone", "eu-1")
                    .containsEntry("instance_status", "UP");
            assertThat((Map<String, Object>) ((Map<?, ?>) payload.get("beacon")).get("ports")).containsEntry("admin", 9090);

            try (ServiceProvider<Map> provider = discovery.serviceProviderBuilder().serviceName("orders").build()) {
                provider.start();
                assertThat(provider.getInstance().getPort()).isEqualTo(8080);
            }

            beacon.deregister("orders", "orders-1");
            assertThat(discovery.queryForInstances("orders")).isEmpty();
        }
    }

    @Test
    void beaconRegisteredInSpringCloudStyle_readAsSpringCloudZookeepersPayload() throws Exception {
        try (ServiceRegistry spring = ZooKeeperServiceRegistry.open("zookeeper://" + server.getConnectString()
                + basePath + "?payload=spring-cloud")) {
            spring.register(orders().withStatus(Status.DOWN), Duration.ofSeconds(30));
            try (ServiceDiscovery<ZookeeperInstance> discovery = ServiceDiscoveryBuilder
                    .builder(ZookeeperInstance.class).client(curator).basePath(basePath)
                    .serializer(new JsonInstanceSerializer<>(ZookeeperInstance.class)).build()) {
                discovery.start();
                org.apache.curator.x.discovery.ServiceInstance<ZookeeperInstance> instance =
                        discovery.queryForInstance("orders", "orders-1");
                assertThat(instance.getPayload().getId()).isEqualTo("orders-1");
                assertThat(instance.getPayload().getName()).isEqualTo("orders");
                assertThat(instance.getPayload().getMetadata()).containsEntry("version", "2.0")
                        .containsEntry("instance_status", "DOWN");
                assertThat(instance.isEnabled()).isFalse();
            }
            assertThat(beacon.instances("orders")).containsExactly(orders().withStatus(Status.DOWN));
        }
    }

    @Test
    @SuppressWarnings({"rawtypes", "unchecked"})
    void curatorRegistered_beaconListsAndWatchesIt_withThePayloadsMetadataWhenItIsAMap() throws Exception {
        List<RegistryEvent> events = new CopyOnWriteArrayList<>();
        beacon.watch("billing", events::add);
        try (ServiceDiscovery<Map> discovery = mapDiscovery()) {
            Map<String, Object> payload = new LinkedHashMap<>();
            payload.put("metadata", new LinkedHashMap<>(Map.of("zone", "eu-2", "weight", "3")));
            discovery.registerService(org.apache.curator.x.discovery.ServiceInstance.<Map>builder().name("billing")
                    .id("b-1").address("127.0.0.1").port(9001).payload(payload).build());
            Map<String, Object> flat = new LinkedHashMap<>(Map.of("team", "payments"));
            discovery.registerService(org.apache.curator.x.discovery.ServiceInstance.<Map>builder().name("billing")
                    .id("b-2").address("127.0.0.1").port(9002).payload(flat).build());

            ServiceInstance b1 = ServiceInstance.builder("billing").id("b-1").host("127.0.0.1").port(9001)
                    .metadata(Map.of("zone", "eu-2", "weight", "3")).build();
            ServiceInstance b2 = ServiceInstance.builder("billing").id("b-2").host("127.0.0.1").port(9002)
                    .metadata(Map.of("team", "payments")).build();
            assertThat(beacon.instances("billing")).containsExactly(b1, b2);
            assertThat(beacon.services()).containsExactly("billing");
            await().atMost(Duration.ofSeconds(5)).until(() -> events.size() == 2);
            assertThat(events).extracting(RegistryEvent::type)
                    .containsExactly(RegistryEvent.Type.REGISTERED, RegistryEvent.Type.REGISTERED);

            discovery.unregisterService(discovery.queryForInstance("billing", "b-1"));
            await().atMost(Duration.ofSeconds(5)).until(() -> events.size() == 3);
            assertThat(events.get(2)).isEqualTo(new RegistryEvent(RegistryEvent.Type.DEREGISTERED, b1));
            assertThat(beacon.instances("billing")).containsExactly(b2);
        }
    }

    @Test
    void curatorRegisteredWithoutMapPayload_listedWithoutMetadata_andBadNodesSkipped() throws Exception {
        try (ServiceDiscovery<String> discovery = ServiceDiscoveryBuilder.builder(String.class).client(curator)
                .basePath(basePath).serializer(new JsonInstanceSerializer<>(String.class)).build()) {
            discovery.start();
            discovery.registerService(org.apache.curator.x.discovery.ServiceInstance.<String>builder().name("search")
                    .id("s-1").address("127.0.0.1").port(9100).payload("just a string").build());
            discovery.registerService(org.apache.curator.x.discovery.ServiceInstance.<String>builder().name("search")
                    .id("s-2").address("127.0.0.1").port(9101).enabled(false).build());
            curator.create().withMode(CreateMode.PERSISTENT)
                    .forPath(basePath + "/search/not-json", "{oops".getBytes(StandardCharsets.UTF_8));
            curator.create().withMode(CreateMode.PERSISTENT).forPath(basePath + "/search/no-port",
                    "{\"address\":\"127.0.0.1\"}".getBytes(StandardCharsets.UTF_8));

            assertThat(beacon.instances("search")).containsExactly(
                    ServiceInstance.builder("search").id("s-1").host("127.0.0.1").port(9100).build(),
                    // Curator's serializer leaves "enabled" out (its compatible mode, the default): nothing says DOWN
                    ServiceInstance.builder("search").id("s-2").host("127.0.0.1").port(9101).build());
            curator.create().withMode(CreateMode.PERSISTENT).forPath(basePath + "/search/s-3", ("{\"name\":\"search\","
                    + "\"id\":\"s-3\",\"address\":\"127.0.0.1\",\"port\":9103,\"payload\":null,\"enabled\":false}")
                    .getBytes(StandardCharsets.UTF_8));
            assertThat(beacon.instances("search")).extracting(ServiceInstance::id, ServiceInstance::status)
                    .contains(org.assertj.core.groups.Tuple.tuple("s-3", Status.DOWN));
        }
    }

    @Test
    @SuppressWarnings("rawtypes")
    void digestCredentials_instanceReadableByAnyCuratorClient_changedByThatUserOnly() throws Exception {
        String uri = "zookeeper://beacon:pw-Zq81x@" + server.getConnectString() + basePath;
        try (ServiceRegistry owner = ZooKeeperServiceRegistry.open(uri)) {
            owner.register(orders(), Duration.ofSeconds(30));

            try (ServiceDiscovery<Map> discovery = mapDiscovery()) {
                assertThat(discovery.queryForInstance("orders", "orders-1").getPort()).isEqualTo(8080);
            }
            String path = basePath + "/orders/orders-1";
            assertThat(curator.getACL().forPath(path)).extracting(acl -> acl.getId().getScheme())
                    .containsExactlyInAnyOrder("digest", "world");
            // changing it needs the user; removing it is a right on the parent, which stays open to other writers
            org.junit.jupiter.api.Assertions.assertThrows(org.apache.zookeeper.KeeperException.NoAuthException.class,
                    () -> curator.setData().forPath(path, "{}".getBytes(StandardCharsets.UTF_8)));
            assertThat(owner.toString()).contains("beacon:****@").doesNotContain("pw-Zq81x");
            assertThat(owner.deregister("orders", "orders-1")).isTrue();
        }
    }
}
