package dev.beacon.registry.redis.internal;

import dev.beacon.RegistryUnavailableException;
import dev.beacon.registry.RegistryEvent;
import dev.beacon.registry.Subscription;
import dev.beacon.registry.spi.WatchHub;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The watches of one registry: their listeners (core's {@link WatchHub}, which delivers events in order on its own
 * thread), the pub/sub subscription that feeds them ({@link ChangeSubscriber}) and the sweeper that turns ended
 * leases into {@code EXPIRED} events ({@link ExpirySweeper}). Their threads start with the first watch and end with
 * {@link #close()}. Thread-safe.
 */
public final class RedisWatches implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RedisWatches.class);
    /** How long a watch waits for its marker before publishing it again. */
    private static final long MARKER_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    private final RedisConnection connection;
    private final RedisKeys keys;
    private final EntryCodec codec;
    private final Duration timeout;
    private final WatchHub hub = new WatchHub("beacon-redis-registry-events", this::unwatched);
    private final Map<String, String> serviceByChannel = new ConcurrentHashMap<>();
    /** Watches waiting for their marker, by marker id. */
    private final Map<String, GatedListener> markers = new ConcurrentHashMap<>();
    private final ChangeSubscriber subscriber;
    private final ExpirySweeper sweeper;

    /** @param timeout how long {@link #watch} waits for Redis to confirm the subscription */
    public RedisWatches(RedisConnection connection, RedisKeys keys, EntryCodec codec, Duration timeout) {
        this.connection = connection;
        this.keys = keys;
        this.codec = codec;
        this.timeout = timeout;
        this.subscriber = new ChangeSubscriber(connection, this::received);
        this.sweeper = new ExpirySweeper(connection, this::watched);
    }

    /**
     * Calls {@code listener} for the changes of {@code service}: none published before this call, every one published
     * after it returns (while the subscription's connection holds). It returns once a marker it published after
     * adding the listener came back through the subscription; when that does not happen within the timeout (Redis
     * is unreachable), it returns anyway, and changes reach the listener once the subscription is up.
     *
     * @throws IllegalStateException when the registry is closed
     */
    public Subscription watch(ServiceKeys service, Consumer<RegistryEvent> listener) {
        connection.checkOpen();
        GatedListener gated = new GatedListener(listener);
        Subscription subscription = hub.add(service.service(), gated);
        serviceByChannel.put(service.channel(), service.service());
        subscriber.subscribe(service.channel());
        sweeper.start();
        long deadline = System.nanoTime() + timeout.toNanos();
        String marker = UUID.randomUUID().toString();
        markers.put(marker, gated);
        try {
            // The subscription may look live while its connection just failed (the subscriber has not read the end
            // yet): only a marker that came back proves it delivers, so publish it again until one does.
            while (!gated.isOpen()) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !subscriber.awaitSubscribed(service.channel(), left)) {
                    break;
                }
                try {
                    connection.run("watch " + service.service(),
                            ScriptCall.marker(service, EntryCodec.marker(marker)));
                } catch (RegistryUnavailableException e) {
                    log.debug("registry {}: watch of {} not confirmed yet", connection, service.service(), e);
                }
                gated.awaitOpen(Math.max(1, Math.min(MARKER_RETRY_NANOS, deadline - System.nanoTime())));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            markers.remove(marker);
        }
        if (!gated.isOpen()) {
            log.debug("registry {}: watch of {} not confirmed in {}; events follow once it is", connection,
                    service.service(), timeout);
            gated.open(); // best effort: Redis is unreachable
        }
        return subscription;
    }

    /** A message from the subscription: a change for the hub, or a watch's marker coming back. */
    private void received(String channel, String text) {
        String service = serviceByChannel.get(channel);
        if (service == null) {
            return;
        }
        codec.message(service, channel, text).ifPresent(message -> {
            if (message instanceof EntryCodec.Change change) {
                hub.publish(change.event());
            } else if (message instanceof EntryCodec.Marker marker) {
                GatedListener gated = markers.get(marker.id());
                if (gated != null) {
                    hub.runInOrder(gated::open); // after every change received before it
                }
            }
        });
    }

    /** The last watch of {@code service} ended: its channel is unsubscribed, unless a new watch came meanwhile. */
    private void unwatched(String service) {
        subscriber.unsubscribe(keys.of(service).channel(), () -> hub.hasListeners(service));
    }

    private Collection<ServiceKeys> watched() {
        return hub.watchedServices().stream().map(keys::of).toList();
    }

    /** Ends the subscription and the sweeper, and drops the listeners; idempotent. */
    @Override
    public void close() {
        subscriber.close();
        sweeper.close();
        hub.close();
    }
}
