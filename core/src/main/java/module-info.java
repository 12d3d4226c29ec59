/**
 * Beacon's core: the instance model, the registry API and its SPI, the memory and file registries, the discovery
 * client, load balancers and health checks.
 */
module dev.beacon.core {
    requires transitive org.slf4j;
    requires com.fasterxml.jackson.core;
    requires java.net.http;

    exports dev.beacon;
    exports dev.beacon.balance;
    exports dev.beacon.client;
    exports dev.beacon.health;
    exports dev.beacon.registry;
    exports dev.beacon.registry.spi;
    exports dev.beacon.json;
    exports dev.beacon.support;

    uses dev.beacon.registry.spi.RegistryProvider;
    provides dev.beacon.registry.spi.RegistryProvider with
            dev.beacon.registry.internal.BuiltInRegistryProviders.Memory,
            dev.beacon.registry.internal.BuiltInRegistryProviders.File;
}
