package dev.beacon.registry;

import dev.beacon.registry.spi.RegistryProvider;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeSet;

/**
 * Opens a registry from a URI. Built in: {@code memory:} (this process only), {@code file:} (the per-user default
 * directory, see {@link FileServiceRegistry}) and {@code file:/some/dir}. Other schemes plug in through
 * {@link RegistryProvider} (ServiceLoader).
 */
public final class Registries {

    /** The registry used when none is configured: the local file registry. */
    public static final String DEFAULT_URI = "file:";

    /** Schemes of Beacon's own registry modules, for a message that names the artifact to add. */
    private static final Map<String, String> MODULES = Map.of(
            "redis", "dev.beacon:beacon-redis",
            "rediss", "dev.beacon:beacon-redis",
            "redis-sentinel", "dev.beacon:beacon-redis",
            "redis-cluster", "dev.beacon:beacon-redis",
            "zookeeper", "dev.beacon:beacon-zookeeper",
            "eureka", "dev.beacon:beacon-eureka");

    private Registries() {
    }

    /**
     * Opens the registry named by {@code uri}.
     *
     * @throws IllegalArgumentException naming the URI and the supported schemes when no provider accepts it, or
     *                                  what is wrong with it
     */
    public static ServiceRegistry open(String uri) {
        if (uri == null || uri.isBlank()) {
            throw new IllegalArgumentException("registry URI must not be empty; supported schemes: "
                    + String.join(", ", schemes()));
        }
        return provider(schemeOf(uri), uri).open(uri.trim());
    }

    /** The schemes of every available provider, sorted, each with a trailing colon. */
    public static List<String> schemes() {
        TreeSet<String> schemes = new TreeSet<>();
        for (RegistryProvider provider : providers()) {
            for (String scheme : provider.schemes()) {
                schemes.add(scheme + ":");
            }
        }
        return List.copyOf(schemes);
    }

    /** Checks that {@code uri} names an available scheme, without opening anything. */
    public static String checkUri(String uri) {
        String scheme = uri == null ? "" : schemeOf(uri);
        Optional<RegistryProvider> provider = find(scheme);
        if (provider.isPresent()) {
            provider.get().validate(uri.trim());
            return uri;
        }
        if (MODULES.containsKey(scheme)) {
            throw unknown(scheme, uri);
        }
        throw new IllegalArgumentException("unknown registry '" + RegistryUris.mask(uri) + "': expected one of "
                + String.join(", ", schemes()));
    }

    /**
     * The hosts that {@code uri} connects to (see {@link RegistryProvider#hosts(String)}); empty for a registry local to
     * this machine.
     *
     * @throws IllegalArgumentException when no provider accepts the URI, or it is not valid
     */
    public static List<String> hosts(String uri) {
        String scheme = uri == null ? "" : schemeOf(uri);
        return provider(scheme, uri).hosts(uri.trim());
    }

    private static String schemeOf(String uri) {
        int colon = uri.indexOf(':');
        return colon <= 0 ? "" : uri.substring(0, colon).trim().toLowerCase(java.util.Locale.ROOT);
    }

    private static RegistryProvider provider(String scheme, String uri) {
        return find(scheme).orElseThrow(() -> unknown(scheme, uri));
    }

    private static Optional<RegistryProvider> find(String scheme) {
        return providers().stream().filter(provider -> provider.schemes().contains(scheme)).findFirst();
    }

    /** The artifact that adds a scheme Beacon knows but that is not on the class path. */
    private static IllegalArgumentException unknown(String scheme, String uri) {
        String module = MODULES.get(scheme);
        if (module != null) {
            return new IllegalArgumentException("registry '" + RegistryUris.mask(uri) + "' needs the module "
                    + module + " on the class path (scheme '" + scheme + ":' is not built into beacon-core); "
                    + "available schemes: " + String.join(", ", schemes()));
        }
        return new IllegalArgumentException("unknown registry '" + RegistryUris.mask(uri) + "': scheme '" + scheme
                + "' is not supported; supported schemes: " + String.join(", ", schemes()));
    }

    private static List<RegistryProvider> providers() {
        List<RegistryProvider> providers = new ArrayList<>();
        ServiceLoader.load(RegistryProvider.class, Registries.class.getClassLoader()).forEach(providers::add);
        return providers;
    }
}
