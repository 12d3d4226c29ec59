package dev.beacon.server.internal;

import com.sun.net.httpserver.HttpExchange;
import dev.beacon.registry.ServiceRegistry;
import dev.beacon.registry.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.function.Function;

/**
 * The Server-Sent Events routes: {@code GET /services/{name}/events} (from a watch of that service) and
 * {@code GET /events} (every service the {@link ServiceWatcher} watches: one connection for a whole dashboard). At
 * most {@code maxEventStreams} are open at once (more get 503); each write has the write timeout. Registrations and
 * updates carry their lease's time ({@link StreamedEvent}). Thread-safe.
 */
final class EventRoutes {

    private static final Logger log = LoggerFactory.getLogger(EventRoutes.class);
    private static final int STREAM_QUEUE = 1024;

    private final ServiceRegistry registry;
    private final ServiceWatcher watcher;
    private final Deadlines deadlines;
    private final Duration writeTimeout;
    private final Duration keepAlive;
    private final int maxStreams;
    private final Semaphore slots;
    private final Set<EventStream> streams = ConcurrentHashMap.newKeySet();
    private final Clock clock = Clock.systemUTC();

    EventRoutes(ServiceRegistry registry, ServiceWatcher watcher, ServerSettings settings, Deadlines deadlines) {
        this.registry = registry;
        this.watcher = watcher;
        this.deadlines = deadlines;
        this.writeTimeout = settings.writeTimeout();
        this.keepAlive = settings.keepAliveInterval();
        this.maxStreams = settings.maxEventStreams();
        this.slots = new Semaphore(maxStreams);
    }

    /** The events of one service, from a watch of its own. */
    Reply serviceEvents(RequestTarget target, String service, HttpExchange exchange) {
        target.allowOnly(Set.of(), null);
        return stream(exchange, stream -> registry.watch(service,
                event -> stream.offer(StreamedEvent.received(event, clock.instant()))));
    }

    /** The events of every watched service. */
    Reply allEvents(RequestTarget target, HttpExchange exchange) {
        target.allowOnly(Set.of(), null);
        return stream(exchange, stream -> watcher.subscribe(stream::offer));
    }

    private Reply stream(HttpExchange exchange, Function<EventStream, Subscription> subscribe) {
        if (exchange.getRequestMethod().equals("HEAD")) {
            return new Reply(200, Reply.EVENT_STREAM, new byte[0], Map.of("Cache-Control", "no-cache"),
                    Optional.empty());
        }
        if (!slots.tryAcquire()) {
            throw HttpError.unavailable("too many event streams open (" + maxStreams + "); try again later");
        }
        EventStream stream = new EventStream(STREAM_QUEUE);
        Subscription subscription;
        try {
            subscription = subscribe.apply(stream);
        } catch (RuntimeException e) {
            slots.release();
            throw e;
        }
        streams.add(stream);
        return Reply.stream(new Reply.Stream() {
            @Override
            public void run() throws IOException {
                stream.run(exchange.getResponseBody(), EventRoutes.this::write, keepAlive);
            }

            @Override
            public void release() {
                try {
                    subscription.close();
                } catch (RuntimeException e) {
                    log.warn("closing the watch of an event stream failed", e);
                } finally {
                    streams.remove(stream);
                    slots.release();
                }
            }
        });
    }

    private void write(OutputStream out, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        deadlines.within(writeTimeout, () -> {
            out.write(bytes);
            out.flush();
        });
    }

    /** Ends every open event stream (server shutdown). */
    void endStreams() {
        streams.forEach(EventStream::end);
    }

    int openStreams() {
        return streams.size();
    }
}
