package dev.beacon.server.internal;

import java.time.Duration;
import java.util.Optional;

/**
 * The request-handling settings of a server, validated by {@code BeaconServer.Builder}.
 *
 * @param maxBodyBytes      largest accepted request body
 * @param writeTimeout      longest a single response write may block
 * @param keepAlive         quiet time after which an event stream writes a keep-alive comment
 * @param maxEventStreams   event streams open at once
 * @param tokenHash         SHA-256 of the bearer token writes need, if any
 * @param loopbackOnly      answer only requests whose {@code Host} names a loopback address (bound to loopback)
 * @param indexContentType  the {@code Content-Type} of the page at {@code GET /}, if any
 * @param indexContent      the page at {@code GET /}, if any
 */
public record ApiSettings(int maxBodyBytes, Duration writeTimeout, Duration keepAlive, int maxEventStreams,
                          Optional<byte[]> tokenHash, boolean loopbackOnly, Optional<String> indexContentType,
                          Optional<byte[]> indexContent) {
}
