package dev.beacon.registry.spi;

import dev.beacon.registry.ServiceRegistry;

import java.util.List;
import java.util.Set;

/**
 * Plugs a registry implementation into {@link dev.beacon.registry.Registries#open(String)}. Implementations are
 * listed in {@code META-INF/services/dev.beacon.registry.spi.RegistryProvider} and need a public no-argument
 * constructor.
 */
public interface RegistryProvider {

    /** The URI schemes this provider opens, lower case, without the colon (for example {@code redis}). */
    Set<String> schemes();

    /**
     * Opens a registry. Must not block for long: connection problems surface on first use as
     * {@link dev.beacon.RegistryUnavailableException}.
     *
     * @throws IllegalArgumentException naming the URI (password masked) and what is wrong with it
     */
    ServiceRegistry open(String uri);

    /**
     * Checks {@code uri} without opening anything. The default calls {@link #hosts(String)}: a provider of a registry
     * on other machines parses its URI there, and so checks it; one whose {@code hosts} is the default accepts any URI
     * of its schemes.
     *
     * @throws IllegalArgumentException naming the URI (password masked) and what is wrong with it
     */
    default void validate(String uri) {
        hosts(uri);
    }

    /**
     * The hosts (names or addresses, as written) that {@code uri} connects to, without opening anything; empty for a
     * registry that lives on this machine only (a directory, this process's memory). The agent uses it to tell a
     * registry that other machines share from one on loopback.
     *
     * @throws IllegalArgumentException naming the URI (password masked) and what is wrong with it
     */
    default List<String> hosts(String uri) {
        return List.of();
    }
}
