package dev.beacon.grpc;

import dev.beacon.ServiceInstance;
import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolverProvider;
import io.grpc.NameResolverRegistry;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.URI;
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
}
