package dev.beacon.registry.zookeeper.internal;

import dev.beacon.registry.ServiceRegistry;
import dev.beacon.registry.spi.RegistryProvider;
import dev.beacon.registry.spi.RegistryUriParts;
import dev.beacon.registry.zookeeper.ZooKeeperServiceRegistry;

import java.util.List;
import java.util.Set;

/**
 * Plugs {@code zookeeper://} into {@link dev.beacon.registry.Registries}; public only because
 * {@link java.util.ServiceLoader} needs it. Loading it loads no Curator nor ZooKeeper class: those load when a
 * {@code zookeeper://} registry is opened.
 */
public final class ZooKeeperRegistryProvider implements RegistryProvider {

    /** Here, not in the URI class: listing the providers' schemes loads this class only. */
    private static final Set<String> SCHEMES = Set.of("zookeeper");

    @Override
    public Set<String> schemes() {
        return SCHEMES;
    }

    @Override
    public ServiceRegistry open(String uri) {
        return ZooKeeperServiceRegistry.open(uri);
    }

    @Override
    public List<String> hosts(String uri) {
        return ZooKeeperRegistryUri.parse(uri).addresses().stream().map(RegistryUriParts.Address::host).toList();
    }
}
