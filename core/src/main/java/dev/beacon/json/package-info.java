/**
 * The JSON shapes Beacon publishes to people and programs: {@link dev.beacon.json.InstanceJson}, the instance as the
 * command line's {@code --json} output and the HTTP API show it. Its own package, apart from the registry SPI's
 * stored format, because a published format that scripts parse and a storage format change for different reasons.
 */
package dev.beacon.json;
