package dev.beacon.registry;

/** A running {@link ServiceRegistry#watch watch}; {@link #close()} stops it and is idempotent. */
public interface Subscription extends AutoCloseable {
    @Override
    void close();
}
