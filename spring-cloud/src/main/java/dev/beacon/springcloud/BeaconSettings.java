package dev.beacon.springcloud;

import dev.beacon.ServiceInstance;
import dev.beacon.balance.LoadBalancer;
import dev.beacon.client.DiscoveryClient;
import dev.beacon.client.InstanceFilters;
import dev.beacon.registry.Registries;
import dev.beacon.registry.RegistryUris;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * What {@code application.yml} says about Beacon:
 *
 * <pre>
 * beacon:
 *   registry: redis://10.0.0.7:6379      # else $BEACON_REGISTRY, else the default file registry
 *   discovery:
 *     enabled: true                      # false turns the whole integration off
 *     zone: eu-west-1a                   # prefer instances whose metadata zone is this
 *     balancer: least-in-flight          # round-robin (default), random, weighted, p2c, ...
 *     metadata:                          # only instances whose metadata matches every glob
 *       version: "2.*"
 * </pre>
 *
 * @param registry the registry URI (may hold a password: never log it, {@link #maskedRegistry()} is the safe form)
 */
record BeaconSettings(String registry, Optional<String> zone, Optional<String> balancer,
                      Map<String, String> metadata, Optional<Duration> refreshInterval) {

    static final String PREFIX = "beacon.discovery";

    BeaconSettings {
        metadata = Map.copyOf(metadata);
    }

    static BeaconSettings from(Environment environment) {
        Binder binder = Binder.get(environment);
        String registry = binder.bind("beacon.registry", String.class)
                .orElseGet(() -> Optional.ofNullable(System.getenv("BEACON_REGISTRY")).orElse(Registries.DEFAULT_URI));
        Registries.checkUri(registry);
        Optional<String> zone = binder.bind(PREFIX + ".zone", String.class).map(Optional::of).orElse(Optional.empty());
        Optional<String> balancer = binder.bind(PREFIX + ".balancer", String.class).map(Optional::of)
                .orElse(Optional.empty());
        balancer.ifPresent(LoadBalancer::named);
        Map<String, String> metadata = binder.bind(PREFIX + ".metadata", Bindable.mapOf(String.class, String.class))
                .orElse(Map.of());
        Optional<Duration> refresh = binder.bind(PREFIX + ".refresh-interval", Duration.class).map(Optional::of)
                .orElse(Optional.empty());
        return new BeaconSettings(registry, zone, balancer, new TreeMap<>(metadata), refresh);
    }

    /** The registry URI with any password masked. */
    String maskedRegistry() {
        return RegistryUris.mask(registry);
    }

    /** Applies the zone, balancer, filters and refresh interval. */
    DiscoveryClient.Builder configure(DiscoveryClient.Builder builder) {
        zone.ifPresent(builder::localZone);
        balancer.ifPresent(name -> builder.balancer(() -> LoadBalancer.named(name)));
        Predicate<ServiceInstance> filter = instance -> true;
        for (Map.Entry<String, String> entry : metadata.entrySet()) {
            filter = filter.and(InstanceFilters.metadata(entry.getKey(), entry.getValue()));
        }
        builder.filter(filter);
        refreshInterval.ifPresent(builder::refreshInterval);
        return builder;
    }
}
