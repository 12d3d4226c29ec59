package dev.beacon.agent.cli;

import dev.beacon.registry.Registries;
import dev.beacon.registry.ServiceRegistry;
import picocli.CommandLine.Option;

/** The {@code --registry} and {@code --json} options every command shares. */
final class RegistryOption {

    @Option(names = "--registry", paramLabel = "URI", defaultValue = "${env:BEACON_REGISTRY:-" + Registries.DEFAULT_URI + "}",
            description = "Registry URI (default: $BEACON_REGISTRY, else the local file registry, file:).")
    String uri;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    ServiceRegistry open() {
        return Registries.open(uri);
    }
}
