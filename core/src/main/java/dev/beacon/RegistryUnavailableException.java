package dev.beacon;

/**
 * The registry could not be reached or could not complete an operation (I/O error, connection refused, timeout).
 * Callers that must keep working (the agent's heartbeat, the discovery client) catch this type, back off and retry.
 * The message names the registry (with any password masked) and the failed operation; the cause is kept.
 */
public class RegistryUnavailableException extends DiscoveryException {
    private static final long serialVersionUID = 1L;

    public RegistryUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
