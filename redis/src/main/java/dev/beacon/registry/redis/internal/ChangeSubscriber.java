package dev.beacon.registry.redis.internal;

import dev.beacon.support.DaemonThreads;
import dev.beacon.support.WarnOnce;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.JedisPubSub;

import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;

/**
 * The registry's pub/sub subscription to the events channels of its watched services: one connection, read by the
 * thread {@code beacon-redis-subscriber}, which the first {@link #subscribe} starts. When the connection fails the
 * thread connects again, backing off from 100 ms to 2 s, and subscribes every channel again; what was published
 * meanwhile is not replayed. The first failure of an outage is logged as a warning, its end at INFO.
 *
 * <p>One lock guards the channels, the live subscription and every command sent on it from outside the thread, so
 * that a channel added while the thread (re)connects is subscribed exactly once, and {@link #close()} ends the
 * subscription whether or not Redis has confirmed it yet. Thread-safe.
 */
final class ChangeSubscriber implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ChangeSubscriber.class);
    private static final long FIRST_BACKOFF_MILLIS = 100;
    private static final long MAX_BACKOFF_MILLIS = 2_000;
    private static final String OUTAGE = "outage";

    private final RedisConnection connection;
    private final BiConsumer<String, String> messages;
    private final WarnOnce warnings = new WarnOnce(log);
    private final Object lock = new Object();
    private final Set<String> channels = new LinkedHashSet<>(); // guarded by lock
    /** The subscription of the live connection, from Redis' first confirmation until the connection ends. */
    private Subscription live;   // guarded by lock
    private Thread thread;       // guarded by lock
    private volatile boolean closed; // written under lock

    /**
     * @param messages called with each message's channel and text, on the subscriber thread
     */
    ChangeSubscriber(RedisConnection connection, BiConsumer<String, String> messages) {
        this.connection = connection;
        this.messages = messages;
    }

    /** Subscribes {@code channel} (once, however often called), now if connected, else on connecting. */
    void subscribe(String channel) {
        synchronized (lock) {
            if (closed || !channels.add(channel)) {
                return;
            }
            if (thread == null) {
                thread = DaemonThreads.start("beacon-redis-subscriber", this::run);
            } else if (live != null) {
                live.request(channel);
            }
        }
    }

    /**
     * Unsubscribes {@code channel}, unless {@code stillWanted} (asked under the same lock as {@link #subscribe}) says
     * a watch wants it again. Once no channel is left the thread ends with its connection; the next
     * {@link #subscribe} starts another.
     */
    void unsubscribe(String channel, java.util.function.BooleanSupplier stillWanted) {
        synchronized (lock) {
            if (closed || !channels.contains(channel) || stillWanted.getAsBoolean()) {
                return;
            }
            channels.remove(channel);
            if (live != null) {
                live.release(channel);
            }
        }
    }

    /**
     * Waits until Redis confirmed {@code channel} on the live connection, for at most {@code timeoutNanos}.
     *
     * @return false after the timeout or once closed
     */
    boolean awaitSubscribed(String channel, long timeoutNanos) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        synchronized (lock) {
            while (!closed && (live == null || !live.confirmed.contains(channel))) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
            return !closed;
        }
    }

    private void run() {
        long backoff = FIRST_BACKOFF_MILLIS;
        while (true) {
            Subscription subscription;
            synchronized (lock) {
                if (closed) {
                    return;
                }
                if (channels.isEmpty()) { // every watch ended during an outage
                    thread = null;
                    return;
                }
                subscription = new Subscription(channels);
            }
            try {
                // returns once no channel is subscribed: after close(), or after the last watch ended
                connection.subscribe(subscription, subscription.initial);
                synchronized (lock) {
                    if (closed || channels.isEmpty()) {
                        thread = null; // the next subscribe() starts another
                        return;
                    }
                } // else a channel was added while the connection ended: subscribe it on a new one
            } catch (RuntimeException e) {
                if (closed) {
                    return;
                }
                if (subscription.wasLive) {
                    backoff = FIRST_BACKOFF_MILLIS; // a new outage
                }
                if (!warnings.warn(OUTAGE, "registry {}: event subscription lost; reconnecting with backoff (changes "
                        + "published until then are not delivered)", connection, e)) {
                    log.debug("registry {}: event subscription still down", connection, e);
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(backoff)); // close() interrupts it
                backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
            } finally {
                synchronized (lock) {
                    if (live == subscription) {
                        live = null;
                    }
                }
            }
        }
    }

    /** Ends the subscription and its thread; idempotent. */
    @Override
    public void close() {
        Thread running;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            if (live != null) {
                live.end();
            } // else: not confirmed yet, the first confirmation ends it (onSubscribe)
            running = thread;
            lock.notifyAll();
        }
        if (running != null) {
            running.interrupt(); // ends a backoff pause; Jedis also stops reading after the next reply
        }
    }

    /** The subscription of one connection. */
    private final class Subscription extends JedisPubSub {
        final String[] initial;
        final Set<String> requested;                     // guarded by lock
        final Set<String> confirmed = new HashSet<>();   // guarded by lock
        boolean wasLive;                                 // written under lock, read by the thread after it ended
        private boolean ending;                          // guarded by lock

        Subscription(Set<String> channels) {
            this.requested = new HashSet<>(channels);
            this.initial = channels.toArray(new String[0]);
        }

        /** Subscribes a channel this connection has not asked for yet; under lock. */
        void request(String channel) {
            if (requested.add(channel)) {
                try {
                    subscribe(channel);
                } catch (RuntimeException e) {
                    // the connection is failing: the next one subscribes every channel
                    log.debug("registry {}: subscribing {} deferred to the next connection", connection, channel, e);
                }
            }
        }

        /** Unsubscribes a channel no watch wants any more; under lock. */
        void release(String channel) {
            requested.remove(channel);
            confirmed.remove(channel);
            try {
                unsubscribe(channel);
            } catch (RuntimeException e) {
                log.debug("registry {}: unsubscribing {} failed; the connection is gone", connection, channel, e);
            }
        }

        /** Asks Redis to end the subscription (once); under lock. */
        void end() {
            if (!ending) {
                ending = true;
                try {
                    unsubscribe();
                } catch (RuntimeException e) {
                    log.debug("registry {}: unsubscribing failed; the connection is gone", connection, e);
                }
            }
        }

        @Override
        public void onSubscribe(String channel, int subscribedChannels) {
            synchronized (lock) {
                if (closed) {
                    end(); // close() came before this confirmation: nothing else would end the subscription
                    return;
                }
                if (!channels.contains(channel)) { // its watch ended before Redis confirmed it
                    release(channel);
                    return;
                }
                confirmed.add(channel);
                if (live != this) {
                    live = this;
                    wasLive = true;
                    for (String wanted : channels) { // added while this connection was being set up
                        request(wanted);
                    }
                    if (warnings.warned(OUTAGE)) {
                        warnings.reset(OUTAGE);
                        log.info("registry {}: event subscription restored", connection);
                    }
                }
                lock.notifyAll();
            }
        }

        @Override
        public void onMessage(String channel, String message) {
            if (!closed) {
                messages.accept(channel, message);
            }
        }
    }
}
