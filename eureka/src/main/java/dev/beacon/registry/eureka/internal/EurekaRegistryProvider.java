package dev.beacon.registry.eureka.internal;

import dev.beacon.registry.ServiceRegistry;
import dev.beacon.registry.eureka.EurekaServiceRegistry;
import dev.beacon.registry.spi.RegistryProvider;

import java.util.List;
import java.util.Set;

/**
 * Plugs {@code eureka://} into {@link dev.beacon.registry.Registries}; public only because
 * {@link java.util.ServiceLoader} needs it. Loading it loads no {@code java.net.http} class: the HTTP client is
 * created when a {@code eureka://} registry is first used.
 */
public final class EurekaRegistryProvider implements RegistryProvider {

    /** Here, not in the URI class: listing the providers' schemes loads this class only. */
    private static final Set<String> SCHEMES = Set.of("eureka");

    @Override
    public Set<String> schemes() {
        return SCHEMES;
    }

    @Override
    public ServiceRegistry open(String uri) {
        return EurekaServiceRegistry.open(uri);
    }

    @Override
    public List<String> hosts(String uri) {
        return EurekaRegistryUri.parse(uri).hosts();
    }
}
