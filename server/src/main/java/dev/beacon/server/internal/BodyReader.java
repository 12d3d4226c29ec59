package dev.beacon.server.internal;

import com.sun.net.httpserver.HttpExchange;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/**
 * Reads a request body into memory, never more than a limit: a declared {@code Content-Length} above it is refused
 * before a byte is read, and a chunked body is read only up to one byte past it. Either way the answer is 413, sent
 * with {@code Connection: close}; whatever the client still sends is the HttpServer's to drain (at most 64 KiB) or
 * drop with the connection. Slow bodies are bounded by the worker's read deadline.
 */
public final class BodyReader {

    private BodyReader() {
    }

    /**
     * The body of {@code exchange}, at most {@code limit} bytes.
     *
     * @throws HttpError   413 when the body is larger
     * @throws IOException when the connection fails or the read deadline ran out
     */
    public static byte[] read(HttpExchange exchange, int limit) throws IOException {
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
