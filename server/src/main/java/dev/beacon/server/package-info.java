/**
 * Server-side discovery: {@link dev.beacon.server.BeaconServer}, the JSON HTTP API of a registry on the JDK's
 * HttpServer, for apps that cannot use the agent or the library (registration with a lease, heartbeats, lookups,
 * load-balanced picks, Server-Sent Events, health and Prometheus metrics). Helpers live in
 * {@code dev.beacon.server.internal} and are not API.
 */
package dev.beacon.server;
