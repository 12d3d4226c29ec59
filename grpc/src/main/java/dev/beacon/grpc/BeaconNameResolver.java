package dev.beacon.grpc;

import dev.beacon.ServiceInstance;
import dev.beacon.client.DiscoveryClient;
import dev.beacon.registry.Subscription;
import io.grpc.Attributes;
import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.Status;
import io.grpc.SynchronizationContext;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * One channel's resolver of one service: subscribes to the discovery client's {@link DiscoveryClient#watch watch}
 * and hands each new list of routable instances to the channel in its synchronization context. The calls that may
 * read the registry (the first watch of a service, a refresh) run on the channel's offload executor, never in the
 * synchronization context, which gRPC shares with the channel's own work and which must not block.
 */
final class BeaconNameResolver extends NameResolver {

    /** The Beacon instance id of an address group. */
    static final Attributes.Key<String> INSTANCE_ID = Attributes.Key.create("beacon.instance.id");

    private final String service;
    private final SynchronizationContext syncContext;
    private final Executor offload;
    private final DiscoveryClient client;
    private final Runnable release;
    private Listener2 listener; // in syncContext
    private Subscription subscription;
    private boolean shutdown;

    BeaconNameResolver(String service, Args args, DiscoveryClient client, Runnable release) {
        this.service = service;
        this.syncContext = args.getSynchronizationContext();
        this.offload = args.getOffloadExecutor() != null ? args.getOffloadExecutor() : FallbackExecutor.INSTANCE;
        this.client = client;
        this.release = release;
    }

    @Override
    public String getServiceAuthority() {
        return service;
    }

    @Override
    public void start(Listener2 listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
        offload.execute(() -> {
            Subscription watching;
            try {
                watching = client.watch(service, instances -> syncContext.execute(() -> publish(instances)));
            } catch (RuntimeException e) {
                syncContext.execute(() -> failed(e));
                return;
            }
            syncContext.execute(() -> {
                if (shutdown) {
                    watching.close();
                } else {
                    subscription = watching;
                }
            });
        });
    }

    @Override
    public void refresh() {
        if (listener == null || shutdown) {
            return;
        }
        offload.execute(() -> {
            List<ServiceInstance> instances;
            try {
                instances = client.instances(service);
            } catch (RuntimeException e) {
                syncContext.execute(() -> failed(e));
                return;
            }
            syncContext.execute(() -> publish(instances));
        });
    }

    private void failed(RuntimeException e) {
        if (!shutdown) {
            listener.onError(Status.UNAVAILABLE.withDescription("cannot read '" + service + "' from Beacon's registry "
                    + client.registry() + ": " + e.getMessage()).withCause(e));
        }
    }

    private void publish(List<ServiceInstance> instances) {
        if (shutdown) {
            return;
        }
        if (instances.isEmpty()) {
            listener.onError(Status.UNAVAILABLE.withDescription("no routable instance of '" + service
                    + "' in Beacon's registry " + client.registry()));
            return;
        }
        listener.onResult(ResolutionResult.newBuilder().setAddresses(addresses(instances)).build());
    }

    static List<EquivalentAddressGroup> addresses(List<ServiceInstance> instances) {
        List<EquivalentAddressGroup> groups = new ArrayList<>(instances.size());
        for (ServiceInstance instance : instances) {
            int port = instance.ports().getOrDefault(BeaconNameResolverProvider.GRPC_PORT, instance.port());
            String host = instance.host().startsWith("[") ? instance.host().substring(1, instance.host().length() - 1)
                    : instance.host();
            groups.add(new EquivalentAddressGroup(new InetSocketAddress(host, port),
                    Attributes.newBuilder().set(INSTANCE_ID, instance.id()).build()));
        }
        return groups;
    }

    @Override
    public void shutdown() {
        if (shutdown) {
            return;
        }
        shutdown = true;
        if (subscription != null) {
            subscription.close();
        }
        release.run();
    }

    /** For a channel built without an offload executor (gRPC gives one to every channel it builds itself). */
    private static final class FallbackExecutor {
        static final ExecutorService INSTANCE = Executors.newCachedThreadPool(
                dev.beacon.support.DaemonThreads.named("beacon-grpc-resolver"));
    }
}
