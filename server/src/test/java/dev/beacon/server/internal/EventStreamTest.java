package dev.beacon.server.internal;

import dev.beacon.ServiceInstance;
import dev.beacon.registry.RegistryEvent;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

class EventStreamTest {

    private static final EventStream.Writer WRITER = (out, text) -> out.write(text.getBytes(StandardCharsets.UTF_8));

    private static final Instant RECEIVED = Instant.parse("2030-01-02T03:04:05.678Z");

    private static StreamedEvent event(RegistryEvent.Type type, String id) {
        return StreamedEvent.received(new RegistryEvent(type, ServiceInstance.builder("orders").id(id).host("h")
                .port(1).metadata("note", "line1\nline2").build()), RECEIVED);
    }

    @Test
    void run_writesQueuedEventsAsSseUntilEnd_registrationsWithTheirLeaseTime() throws IOException {
        EventStream stream = new EventStream(10);
        stream.offer(event(RegistryEvent.Type.REGISTERED, "a"));
        stream.offer(event(RegistryEvent.Type.EXPIRED, "a"));
        stream.end();
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        stream.run(out, WRITER, Duration.ofSeconds(10));

        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("retry: 2000\n: connected\n\n"
                + "event: REGISTERED\ndata: {\"service\":\"orders\",\"id\":\"a\",\"host\":\"h\",\"port\":1,"
                + "\"status\":\"UP\",\"metadata\":{\"note\":\"line1\\nline2\"},\"ports\":{},"
                + "\"renewedAt\":\"2030-01-02T03:04:05.678Z\"}\n\n"
                + "event: EXPIRED\ndata: {\"service\":\"orders\",\"id\":\"a\",\"host\":\"h\",\"port\":1,"
                + "\"status\":\"UP\",\"metadata\":{\"note\":\"line1\\nline2\"},\"ports\":{}}\n\n");
    }

    @Test
    void run_quiet_writesKeepAliveComments() throws Exception {
        EventStream stream = new EventStream(10);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CompletableFuture<Void> running = CompletableFuture.runAsync(() -> {
            try {
                stream.run(out, (o, text) -> {
                    synchronized (out) {
                        WRITER.write(o, text);
                    }
                }, Duration.ofMillis(20));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });

        org.awaitility.Awaitility.await().until(() -> {
            synchronized (out) {
                return out.toString(StandardCharsets.UTF_8).split(": keep-alive\n\n", -1).length > 3;
            }
        });
        stream.end();
        running.get(5, TimeUnit.SECONDS);
    }

    @Test
    void offer_beyondCapacity_endsTheStream() throws IOException {
        EventStream stream = new EventStream(2);
        for (int i = 0; i < 5; i++) {
            stream.offer(event(RegistryEvent.Type.REGISTERED, "i" + i));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        stream.run(out, WRITER, Duration.ofSeconds(10)); // returns: the overflow ended it

        assertThat(stream.overflowed()).isTrue();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("\"id\":\"i1\"").doesNotContain("\"id\":\"i2\"");
    }

    @Test
    void run_failedWrite_propagates() {
        EventStream stream = new EventStream(2);

        assertThrows(IOException.class, () -> stream.run(new ByteArrayOutputStream(), (out, text) -> {
            throw new IOException("Broken pipe");
        }, Duration.ofSeconds(1)));
    }
}
