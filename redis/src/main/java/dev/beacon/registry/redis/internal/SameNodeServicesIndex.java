package dev.beacon.registry.redis.internal;

import java.util.Collections;
import java.util.Set;

/**
 * Standalone and Sentinel: one server holds every key, so register, renew and deregister take the services index as
 * one more key and keep it exact in the same atomic script call.
 */
final class SameNodeServicesIndex extends ServicesIndex {

    SameNodeServicesIndex(RedisConnection connection, RedisKeys keys, EntryCodec codec) {
        super(connection, keys, codec);
    }

    @Override
    public void register(ServiceKeys service, String id, String entry, long ttlMillis) {
        connection.run(operation("register", service, id),
                ScriptCall.register(service, id, entry, ttlMillis).withIndex(keys.index()));
    }

    @Override
    public boolean renew(ServiceKeys service, String id) {
        return renewedTtl(connection.run(operation("renew", service, id),
                ScriptCall.renew(service, id).withIndex(keys.index()))) > 0;
    }

    @Override
    public boolean deregister(ServiceKeys service, String id) {
        return Long.valueOf(1).equals(connection.run(operation("deregister", service, id),
                ScriptCall.deregister(service, id).withIndex(keys.index())));
    }

    @Override
    public Set<String> services() {
        return Collections.unmodifiableSet(indexed());
    }
}
