package dev.beacon.server.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * What a route answers: a status with a complete body, or the start of an event stream.
 *
 * @param status      HTTP status
 * @param contentType the {@code Content-Type}
 * @param body        the complete body (empty for a stream)
 * @param headers     extra headers
 * @param stream      the stream to run after the headers are sent, if this is one
 * @param drop        close the connection after the answer instead of reading on
 */
record Reply(int status, String contentType, byte[] body, Map<String, String> headers, Optional<Stream> stream,
             boolean drop) {

    public Reply(int status, String contentType, byte[] body, Map<String, String> headers, Optional<Stream> stream) {
        this(status, contentType, body, headers, stream, false);
    }

    public static final String JSON = "application/json; charset=utf-8";
    public static final String EVENT_STREAM = "text/event-stream; charset=utf-8";

    /** {@code body} (maps, lists and JDK values) as JSON. */
    public static Reply json(int status, Object body) {
        return new Reply(status, JSON, Json.bytes(body), Map.of(), Optional.empty());
    }

    public static Reply error(int status, String message, Map<String, String> headers) {
        return new Reply(status, JSON, Json.bytes(Json.error(message)), headers, Optional.empty());
    }

    public static Reply error(HttpError error) {
        return new Reply(error.status(), JSON, Json.bytes(Json.error(error.getMessage())), error.headers(),
                Optional.empty(), error.dropConnection());
    }

    public static Reply text(String contentType, String text) {
        return new Reply(200, contentType, text.getBytes(StandardCharsets.UTF_8), Map.of(), Optional.empty());
    }

    public static Reply stream(Stream stream) {
        return new Reply(200, EVENT_STREAM, new byte[0],
                Map.of("Cache-Control", "no-cache", "X-Accel-Buffering", "no"), Optional.of(stream));
    }

    /** An event stream that holds resources (a watch, a stream slot) until {@link #release()}. */
    public interface Stream {
        /** Writes the stream; returns when it ends cleanly. @throws IOException when the client is gone */
        void run() throws IOException;

        /** Frees the stream's resources; called once, whether or not the stream ran. */
        void release();
    }
}
