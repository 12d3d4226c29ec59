package dev.beacon.registry.redis;

/**
 * A host and port a test client connects to, such as one sentinel of a {@link SentinelSetup}.
 *
 * @param host a host name or IP literal, never blank
 * @param port 1..65535
 */
public record Address(String host, int port) {

    public Address {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host must not be blank, but was '" + host + "'");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1..65535, but was " + port);
        }
    }

    /** {@code host:port}, the form {@code redis-cli --cluster} and most clients accept. */
    @Override
    public String toString() {
        return host + ":" + port;
    }
}
