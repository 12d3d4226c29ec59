/**
 * The ZooKeeper registry, {@link dev.beacon.registry.zookeeper.ZooKeeperServiceRegistry}, in Apache Curator's
 * service-discovery layout: opened by {@code Registries.open("zookeeper://…")} once beacon-zookeeper is on the class
 * path, or directly.
 */
package dev.beacon.registry.zookeeper;
