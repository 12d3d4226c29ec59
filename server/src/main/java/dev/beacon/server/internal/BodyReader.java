package dev.beacon.server.internal;

import com.sun.net.httpserver.HttpExchange;
import dev.beacon.support.Texts;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketException;
import java.nio.channels.ClosedChannelException;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a request body into memory, never more than a limit: a declared {@code Content-Length} above it is refused
 * before a byte is read, and a chunked body is read only up to one byte past it. Either way the answer is 413, sent
 * with {@code Connection: close}; whatever the client still sends is the HttpServer's to drain (at most 64 KiB) or
 * drop with the connection. Slow bodies are bounded by the worker's read deadline.
 */
final class BodyReader {

    private BodyReader() {
    }

    /**
     * The JSON body of {@code exchange}, at most {@code limit} bytes, then the end of the request's read phase.
     *
     * @throws HttpError   415 for a {@code Content-Type} other than JSON, 413 when the body is larger, 400 (and the
     *                     connection dropped) when it is malformed or cut short
     * @throws IOException when the client is gone or the read deadline ran out: nobody is left to answer
     */
    static byte[] readJson(HttpExchange exchange, int limit, WorkerPool pool) throws IOException {
        String type = exchange.getRequestHeaders().getFirst("Content-Type");
        if (type != null && !isJson(type)) {
            throw new HttpError(415, "Content-Type must be application/json, but was " + Texts.quote(type),
                    Map.of("Connection", "close"));
        }
        byte[] body;
        try {
            body = read(exchange, limit);
        } catch (HttpError e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            if (pool.readPhaseExpired() || e instanceof ClosedChannelException || e instanceof SocketException) {
                throw e instanceof IOException io ? io : new IOException(e); // nobody left to answer
            }
            // a malformed chunked encoding or a body cut short: the connection cannot be reused
            throw HttpError.malformedBody("the request body could not be read: " + e.getMessage());
        }
        pool.endReadPhase();
        return body;
    }

    private static boolean isJson(String contentType) {
        String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return type.equals("application/json") || type.endsWith("+json") || type.isEmpty();
    }

    /**
     * The body of {@code exchange}, at most {@code limit} bytes.
     *
     * @throws HttpError   413 when the body is larger
     * @throws IOException when the connection fails or the read deadline ran out
     */
    static byte[] read(HttpExchange exchange, int limit) throws IOException {
        String declared = exchange.getRequestHeaders().getFirst("Content-Length");
        if (declared != null) {
            // The HttpServer has already refused a Content-Length that is not a non-negative number.
            long length = Long.parseLong(declared.trim());
            if (length > limit) {
                throw tooLarge(limit, "declares " + length + " bytes");
            }
        }
        InputStream in = exchange.getRequestBody();
        ByteArrayOutputStream body = new ByteArrayOutputStream(Math.min(limit, 4096));
        byte[] buffer = new byte[8192];
        while (true) {
            int wanted = Math.min(buffer.length, limit + 1 - body.size());
            int read = in.read(buffer, 0, wanted);
            if (read < 0) {
                return body.toByteArray();
            }
            body.write(buffer, 0, read);
            if (body.size() > limit) {
                throw tooLarge(limit, "is longer");
            }
        }
    }

    private static HttpError tooLarge(int limit, String what) {
        return new HttpError(413, "request body too large: it " + what + "; the limit is " + limit + " bytes",
                Map.of("Connection", "close"));
    }
}
