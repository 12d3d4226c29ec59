package dev.beacon.registry.redis.internal;

import dev.beacon.registry.RegistryEvent;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A watch's listener that ignores events until it is opened: pub/sub delivers asynchronously, so a new watch opens
 * its listener when its marker comes back through the subscription, after every change published before the watch
 * returned.
 */
final class GatedListener implements Consumer<RegistryEvent> {

    private final Consumer<RegistryEvent> delegate;
    private final CountDownLatch opened = new CountDownLatch(1);

    GatedListener(Consumer<RegistryEvent> delegate) {
        this.delegate = delegate;
    }

    void open() {
        opened.countDown();
    }

    boolean isOpen() {
        return opened.getCount() == 0;
    }

    /** Waits until opened or for at most {@code nanos}. */
    void awaitOpen(long nanos) throws InterruptedException {
        opened.await(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void accept(RegistryEvent event) {
        if (isOpen()) {
            delegate.accept(event);
        }
    }
}
