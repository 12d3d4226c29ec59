/**
 * The parts of the ZooKeeper registry behind {@link dev.beacon.registry.zookeeper.ZooKeeperServiceRegistry}: the URI
 * ({@code ZooKeeperRegistryUri}), the node JSON in Curator's format ({@code CuratorPayload}), the watches on
 * Curator's cache recipe ({@code ZooKeeperWatches}) and the {@code RegistryProvider}. Not an API: public only where
 * the registry's own package or {@link java.util.ServiceLoader} needs it, and free to change in any release.
 */
package dev.beacon.registry.zookeeper.internal;
