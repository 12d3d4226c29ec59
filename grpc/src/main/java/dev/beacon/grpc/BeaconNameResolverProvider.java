package dev.beacon.grpc;

import dev.beacon.ServiceInstance;
import dev.beacon.client.DiscoveryClient;
import dev.beacon.registry.Registries;
import dev.beacon.registry.RegistryUris;
import dev.beacon.registry.ServiceRegistry;
import io.grpc.NameResolver;
import io.grpc.NameResolverProvider;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Resolves {@code beacon:///orders} (and {@code beacon://HOST:PORT/orders}) through Beacon's registry, so that
 * {@code ManagedChannelBuilder.forTarget("beacon:///orders")} works with no other code: grpc-java finds this provider
 * through {@code META-INF/services/io.grpc.NameResolverProvider}.
 *
 * <p><b>Which registry.</b> {@code beacon:///SERVICE} uses the system property {@code beacon.registry}, else the
 * environment variable {@code BEACON_REGISTRY}, else the default file registry, as they are when the channel is
 * built; {@code beacon://HOST:PORT/SERVICE}
 * names a Redis registry ({@code redis://HOST:PORT}).
 *
 * <p><b>What the channel gets.</b> The routable instances (UP, not ejected), each at its port named {@code grpc}
 * when it has one, else its primary port; every change the registry pushes reaches the channel at once. Works with
 * any load-balancing policy ({@code round_robin}, {@code pick_first}, ...).
 *
 * <p>One {@link DiscoveryClient} per registry is shared by the channels of this provider, opened with the first
 * channel and closed with the last. Thread-safe.
 */
public final class BeaconNameResolverProvider extends NameResolverProvider {

    /** The target scheme, {@code beacon}. */
    public static final String SCHEME = "beacon";
    /** The named port used when an instance has one. */
    public static final String GRPC_PORT = "grpc";

    private final Function<String, ServiceRegistry> opener;
    /** Read for each new resolver, so a property set after the provider was loaded counts. */
    private final Supplier<Optional<String>> configuredRegistry;
    private final Map<String, Shared> clients = new HashMap<>();

    /** What {@code ServiceLoader} makes: registry from {@code beacon.registry}/{@code BEACON_REGISTRY}. */
    public BeaconNameResolverProvider() {
        this(Registries::open, () -> Optional.ofNullable(System.getProperty("beacon.registry"))
                .or(() -> Optional.ofNullable(System.getenv("BEACON_REGISTRY"))));
    }

    BeaconNameResolverProvider(Function<String, ServiceRegistry> opener,
                               Supplier<Optional<String>> configuredRegistry) {
        this.opener = opener;
        this.configuredRegistry = configuredRegistry;
    }

    @Override
    protected boolean isAvailable() {
        return true;
    }

    @Override
    protected int priority() {
        return 5;
    }

    @Override
    public String getDefaultScheme() {
        return SCHEME;
    }

    @Override
    public NameResolver newNameResolver(URI target, NameResolver.Args args) {
        if (!SCHEME.equals(target.getScheme())) {
            return null;
        }
        String path = target.getPath() == null ? "" : target.getPath();
        if (!path.startsWith("/") || path.length() < 2 || path.indexOf('/', 1) >= 0) {
            throw new IllegalArgumentException("target must be beacon:///SERVICE or beacon://HOST:PORT/SERVICE, but"
                    + " was '" + target + "'");
        }
        String service = ServiceInstance.checkServiceName(path.substring(1));
        String registry = registryOf(target);
        return new BeaconNameResolver(service, args, acquire(registry), () -> release(registry));
    }

    private String registryOf(URI target) {
        String authority = target.getAuthority();
        if (authority != null && !authority.isEmpty()) {
            return Registries.checkUri("redis://" + authority);
        }
        return Registries.checkUri(configuredRegistry.get().orElse(Registries.DEFAULT_URI));
    }

    private synchronized DiscoveryClient acquire(String registry) {
        Shared shared = clients.get(registry);
        if (shared == null) {
            ServiceRegistry opened = opener.apply(registry);
            shared = new Shared(opened, DiscoveryClient.builder(opened).build());
            clients.put(registry, shared);
        }
        shared.users++;
        return shared.client;
    }

    private synchronized void release(String registry) {
        Shared shared = clients.get(registry);
        if (shared != null && --shared.users == 0) {
            clients.remove(registry);
            shared.client.close();
            shared.registry.close();
        }
    }

    @Override
    public java.util.Collection<Class<? extends SocketAddress>> getProducedSocketAddressTypes() {
        return List.of(InetSocketAddress.class);
    }

    @Override
    public String toString() {
        return "BeaconNameResolverProvider(" + configuredRegistry.get().map(RegistryUris::mask).orElse("default") + ")";
    }

    private static final class Shared {
        final ServiceRegistry registry;
        final DiscoveryClient client;
        int users;

        Shared(ServiceRegistry registry, DiscoveryClient client) {
            this.registry = registry;
            this.client = client;
        }
    }
}
