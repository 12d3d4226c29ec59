package dev.beacon.testing;

import dev.beacon.RegistryUnavailableException;
import dev.beacon.ServiceInstance;
import dev.beacon.registry.Lease;
import dev.beacon.registry.RegistryEvent;
import dev.beacon.registry.ServiceRegistry;
import dev.beacon.registry.Subscription;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A real registry behind a switch: while {@link #failing} is set, every call throws (by default a
 * {@link RegistryUnavailableException}, as an unreachable registry does) without reaching the registry behind it.
 * It models an outage of a registry that cannot have one of its own (the in-memory registry), and counts the calls
 * of each kind, failed ones included. Thread-safe. Closing it closes the registry behind it.
 */
public final class SwitchableRegistry implements ServiceRegistry {

    private final ServiceRegistry delegate;
    public final AtomicInteger registers = new AtomicInteger();
    public final AtomicInteger renews = new AtomicInteger();
    public final AtomicInteger deregisters = new AtomicInteger();
    public final AtomicLong lastDeregisterNanos = new AtomicLong();
    /** While true, every call throws {@link #failure}'s exception. */
    public volatile boolean failing;
    /** What a call throws while {@link #failing}. */
    public volatile Supplier<RuntimeException> failure =
            () -> new RegistryUnavailableException("registry memory: is unreachable (switched off by the test)",
                    new IOException("connection refused"));

    public SwitchableRegistry(ServiceRegistry delegate) {
        this.delegate = delegate;
    }

    /** Registers, renewals and deregisters so far. */
    public int calls() {
        return registers.get() + renews.get() + deregisters.get();
    }

    private void maybeFail() {
        if (failing) {
            throw failure.get();
        }
    }

    @Override
    public void register(ServiceInstance instance, Duration ttl) {
        registers.incrementAndGet();
        maybeFail();
        delegate.register(instance, ttl);
    }

    @Override
    public boolean renew(String service, String id) {
        renews.incrementAndGet();
        maybeFail();
        return delegate.renew(service, id);
    }

    @Override
    public boolean deregister(String service, String id) {
        deregisters.incrementAndGet();
        lastDeregisterNanos.set(System.nanoTime());
        maybeFail();
        return delegate.deregister(service, id);
    }

    @Override
    public List<ServiceInstance> instances(String service) {
        maybeFail();
        return delegate.instances(service);
    }

    @Override
    public List<Lease> leases(String service) {
        maybeFail();
        return delegate.leases(service);
    }

    @Override
    public Set<String> services() {
        maybeFail();
        return delegate.services();
    }

    @Override
    public Subscription watch(String service, Consumer<RegistryEvent> listener) {
        maybeFail();
        return delegate.watch(service, listener);
    }

    @Override
    public void close() {
        delegate.close();
    }

    @Override
    public String toString() {
        return delegate.toString();
    }
}
