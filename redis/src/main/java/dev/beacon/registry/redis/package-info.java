/**
 * The Redis registry, {@link dev.beacon.registry.redis.RedisServiceRegistry}: opened by
 * {@code Registries.open("redis://…")} once beacon-redis is on the class path, or directly.
 */
package dev.beacon.registry.redis;
