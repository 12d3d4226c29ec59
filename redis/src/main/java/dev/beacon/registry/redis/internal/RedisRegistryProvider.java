package dev.beacon.registry.redis.internal;

import dev.beacon.registry.ServiceRegistry;
import dev.beacon.registry.redis.RedisServiceRegistry;
import dev.beacon.registry.spi.RegistryProvider;
import dev.beacon.registry.spi.RegistryUriParts;

import java.util.List;
import java.util.Set;

/**
 * Plugs {@code redis://}, {@code rediss://}, {@code redis-sentinel://} and {@code redis-cluster://} into
 * {@link dev.beacon.registry.Registries}; public only because {@link java.util.ServiceLoader} needs it.
 */
public final class RedisRegistryProvider implements RegistryProvider {

    @Override
    public Set<String> schemes() {
        return RedisRegistryUri.SCHEMES;
    }

    @Override
    public ServiceRegistry open(String uri) {
        return RedisServiceRegistry.open(uri);
    }

    @Override
    public List<String> hosts(String uri) {
        return RedisRegistryUri.parse(uri).addresses().stream().map(RegistryUriParts.Address::host).toList();
    }
}
