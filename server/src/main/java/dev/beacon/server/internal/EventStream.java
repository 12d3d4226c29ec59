package dev.beacon.server.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One Server-Sent Events stream: registry events are queued by the registry's listener thread (never blocking it)
 * and written by the stream's own thread as {@code event: REGISTERED} / {@code data: {instance}} (the
 * {@link StreamedEvent#json() instance with its service and lease time}), with a comment
 * line as keep-alive whenever nothing happened for a while. A client that went away is noticed at the next write,
 * keep-alives included; a client that stops reading is cut off by the write deadline; a client that falls more than
 * {@code capacity} events behind is disconnected (EventSource reconnects by itself). Thread-safe.
 */
final class EventStream {

    private static final Object END = new Object();

    private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final AtomicInteger pending = new AtomicInteger();
    private final int capacity;
    private volatile boolean overflowed;

    public EventStream(int capacity) {
        this.capacity = capacity;
    }

    /** Queues {@code event}; called by the registry's listener thread, returns at once. */
    public void offer(StreamedEvent event) {
        if (overflowed) {
            return;
        }
        if (pending.incrementAndGet() > capacity) {
            overflowed = true;
            queue.offer(END);
            return;
        }
        queue.offer(event);
    }

    /** Asks the stream to finish (server shutdown); the writing thread ends it cleanly. */
    public void end() {
        queue.offer(END);
    }

    /**
     * Writes events until {@link #end()}, an overflow, an interrupt, or a failed write.
     *
     * @param writer writes and flushes one piece under a write deadline
     * @throws IOException when the client is gone or too slow: the caller drops the connection
     */
    public void run(OutputStream out, Writer writer, Duration keepAlive) throws IOException {
        writer.write(out, "retry: 2000\n: connected\n\n");
        while (true) {
            Object next;
            try {
                next = queue.poll(keepAlive.toNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (next == END) {
                return;
            }
            if (next == null) {
                writer.write(out, ": keep-alive\n\n");
            } else {
                pending.decrementAndGet();
                StreamedEvent event = (StreamedEvent) next;
                writer.write(out, "event: " + event.event().type().name() + "\ndata: " + Json.line(event.json())
                        + "\n\n");
            }
        }
    }

    /** Whether the stream ended because the client fell too far behind. */
    public boolean overflowed() {
        return overflowed;
    }

    /** Writes one piece of the stream. */
    @FunctionalInterface
    public interface Writer {
        void write(OutputStream out, String text) throws IOException;
    }
}
