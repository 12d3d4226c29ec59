/**
 * The parts of the Redis registry behind {@link dev.beacon.registry.redis.RedisServiceRegistry}, one job each: the
 * URI ({@code RedisRegistryUri}) and the Jedis client built from it ({@code RedisClients}, {@code RedisConnection});
 * the key names ({@code RedisKeys}); the Lua scripts and their arguments ({@code RedisScript}, {@code ScriptCall});
 * the stored and published JSON ({@code EntryCodec}); the services index and the writes that keep it current
 * ({@code ServicesIndex}, one kind for a single server, one for a Cluster); the watches ({@code RedisWatches}) with
 * their pub/sub subscriber ({@code ChangeSubscriber}) and expiry sweeper ({@code ExpirySweeper}); and the
 * {@code RegistryProvider} that plugs {@code redis://} into {@code Registries}. Not an API: public only where the
 * registry's own package or {@link java.util.ServiceLoader} needs it, and free to change in any release.
 */
package dev.beacon.registry.redis.internal;
