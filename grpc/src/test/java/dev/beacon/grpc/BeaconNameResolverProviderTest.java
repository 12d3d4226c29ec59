package dev.beacon.grpc;

import dev.beacon.ServiceInstance;
import dev.beacon.registry.InMemoryServiceRegistry;
import dev.beacon.registry.ServiceRegistry;
import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.Status;
import io.grpc.SynchronizationContext;
import io.grpc.NameResolverProvider;
import io.grpc.NameResolverRegistry;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

class BeaconNameResolverProviderTest {

    private final BeaconNameResolverProvider provider = new BeaconNameResolverProvider(
            uri -> { throw new AssertionError("no registry is opened by these tests"); }, () -> Optional.of("memory:"));

    @Test
    void serviceLoader_findsTheProviderForBeaconTargets() {
        NameResolverProvider found = NameResolverRegistry.getDefaultRegistry().getProviderForScheme("beacon");

        assertThat(found).isInstanceOf(BeaconNameResolverProvider.class);
    }

    @Test
    void newNameResolver_otherScheme_returnsNull() {
        assertThat(provider.newNameResolver(URI.create("dns:///orders"), null)).isNull();
    }

    @Test
    void newNameResolver_noService_throwsNamingTheTarget() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> provider.newNameResolver(URI.create("beacon:///orders/extra"), null));

        assertThat(e.getMessage()).isEqualTo("target must be beacon:///SERVICE or beacon://HOST:PORT/SERVICE, but was"
                + " 'beacon:///orders/extra'");
    }

    @Test
    void newNameResolver_badServiceName_throwsNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> provider.newNameResolver(URI.create("beacon:///Orders"), null));

        assertThat(e.getMessage()).contains("Orders");
    }

    @Test
    void addresses_grpcNamedPort_winsOverPrimary() {
        ServiceInstance named = ServiceInstance.builder("orders").id("a").host("127.0.0.1").port(8080)
                .ports(Map.of("grpc", 9090)).build();
        ServiceInstance plain = ServiceInstance.builder("orders").id("b").host("127.0.0.2").port(8081).build();

        List<EquivalentAddressGroup> groups = BeaconNameResolver.addresses(List.of(named, plain));

        assertThat(groups).extracting(group -> (InetSocketAddress) group.getAddresses().get(0))
                .containsExactly(new InetSocketAddress("127.0.0.1", 9090), new InetSocketAddress("127.0.0.2", 8081));
        assertThat(groups.get(0).getAttributes().get(BeaconNameResolver.INSTANCE_ID)).isEqualTo("a");
    }

    /**
     * Bug: start() subscribed (and so read the registry, a network round trip on Redis) inside the channel's
     * synchronization context, which gRPC runs on the caller's or the channel's own threads; refresh() read it there
     * too. Both now read on the offload executor and only hand the result to the context.
     */
    @Test
    void startAndRefresh_readTheRegistryOnTheOffloadExecutor_notInTheSynchronizationContext() {
        try (ServiceRegistry registry = new InMemoryServiceRegistry()) {
            registry.register(ServiceInstance.builder("orders").id("a").host("127.0.0.1").port(8080).build(),
                    Duration.ofMinutes(1));
            Queue<Runnable> offloaded = new ArrayDeque<>();
            List<String> uncaught = new CopyOnWriteArrayList<>();
            SynchronizationContext context = new SynchronizationContext((thread, e) -> uncaught.add(e.toString()));
            NameResolver.Args args = NameResolver.Args.newBuilder().setDefaultPort(443)
                    .setProxyDetector(address -> null).setSynchronizationContext(context)
                    .setServiceConfigParser(new NameResolver.ServiceConfigParser() {
                        @Override
                        public NameResolver.ConfigOrError parseServiceConfig(Map<String, ?> rawServiceConfig) {
                            return NameResolver.ConfigOrError.fromConfig(rawServiceConfig);
                        }
                    }).setOffloadExecutor(offloaded::add).build();
            BeaconNameResolverProvider opening = new BeaconNameResolverProvider(uri -> registry,
                    () -> Optional.of("memory:"));
            NameResolver resolver = opening.newNameResolver(URI.create("beacon:///orders"), args);
            List<Object> results = new CopyOnWriteArrayList<>();
            NameResolver.Listener2 listener = new NameResolver.Listener2() {
                @Override
                public void onResult(NameResolver.ResolutionResult result) {
                    results.add(result.getAddresses());
                }

                @Override
                public void onError(Status error) {
                    results.add(error);
                }
            };

            context.execute(() -> resolver.start(listener));
            assertThat(results).as("nothing read in the synchronization context").isEmpty();
            assertThat(offloaded).hasSize(1);

            offloaded.poll().run(); // the offload executor's thread: subscribes, the first list comes
            assertThat(results).hasSize(1);
            context.execute(resolver::refresh);
            assertThat(results).hasSize(1);
            offloaded.poll().run();
            assertThat(results).hasSize(2).allSatisfy(result -> assertThat(result).isInstanceOf(List.class));
            context.execute(resolver::shutdown);
            assertThat(uncaught).isEmpty();
        }
    }
}
