package dev.beacon.server;

import dev.beacon.RegistryUnavailableException;
import dev.beacon.ServiceInstance;
import dev.beacon.registry.InMemoryServiceRegistry;
import dev.beacon.registry.RegistryEvent;
import dev.beacon.registry.ServiceRegistry;
import dev.beacon.registry.Subscription;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/** A memory registry that can be made unreachable, and that counts its open watches. */
final class SwitchableRegistry implements ServiceRegistry {

    final InMemoryServiceRegistry delegate = new InMemoryServiceRegistry();
    final AtomicBoolean down = new AtomicBoolean();
    final AtomicInteger openWatches = new AtomicInteger();

    private void check(String operation) {
        if (down.get()) {
            throw new RegistryUnavailableException("registry test: is down (" + operation + ")",
                    new java.net.ConnectException("Connection refused"));
        }
    }

    @Override
    public void register(ServiceInstance instance, Duration ttl) {
        check("register");
        delegate.register(instance, ttl);
    }

    @Override
    public boolean renew(String service, String id) {
        check("renew");
        return delegate.renew(service, id);
    }

    @Override
    public boolean deregister(String service, String id) {
        check("deregister");
        return delegate.deregister(service, id);
    }

    @Override
    public List<ServiceInstance> instances(String service) {
        check("instances");
        return delegate.instances(service);
    }

    @Override
    public Set<String> services() {
        check("services");
        return delegate.services();
    }

    @Override
    public Subscription watch(String service, Consumer<RegistryEvent> listener) {
        check("watch");
        Subscription subscription = delegate.watch(service, listener);
        openWatches.incrementAndGet();
        AtomicBoolean closed = new AtomicBoolean();
        return () -> {
            if (closed.compareAndSet(false, true)) {
                openWatches.decrementAndGet();
                subscription.close();
            }
        };
    }

    @Override
    public void close() {
        delegate.close();
    }

    @Override
    public String toString() {
        return "test:";
    }
}
