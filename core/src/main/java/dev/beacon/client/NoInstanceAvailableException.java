package dev.beacon.client;

import dev.beacon.DiscoveryException;

/** {@link DiscoveryClient#call} or {@link DiscoveryClient#begin} found no routable instance of the service. */
public class NoInstanceAvailableException extends DiscoveryException {
    private static final long serialVersionUID = 1L;

    public NoInstanceAvailableException(String message) {
        super(message);
    }
}
