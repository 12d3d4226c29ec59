package dev.beacon.registry.redis;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * A minimal RESP2 client over a plain or TLS socket, so the test support depends on no Redis client library.
 * Replies are rendered as text the way {@code redis-cli} prints them when not on a terminal: strings as they are,
 * integers in decimal, nil as the empty string, arrays (flattened) one element a line. An error reply at the top
 * level is thrown as {@link RedisCommandException}. Not thread-safe; one connection per caller.
 */
final class RespConnection implements Closeable {

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;

    private RespConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.out = new BufferedOutputStream(socket.getOutputStream());
        this.in = new BufferedInputStream(socket.getInputStream());
    }

    /**
     * Connects, and with TLS completes the handshake checking the certificate against {@code tls} and the host name
     * against its subject alternative names.
     *
     * @param tls the trust to use, or {@code null} for a plain connection
     */
    static RespConnection open(String host, int port, SSLContext tls, Duration timeout) throws IOException {
        Socket plain = new Socket();
        try {
            plain.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
            plain.setSoTimeout((int) timeout.toMillis());
            if (tls == null) {
                return new RespConnection(plain);
            }
            SSLSocket secure = (SSLSocket) tls.getSocketFactory().createSocket(plain, host, port, true);
            SSLParameters parameters = secure.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            secure.setSSLParameters(parameters);
            secure.startHandshake();
            return new RespConnection(secure);
        } catch (IOException | RuntimeException e) {
            plain.close();
            throw e;
        }
    }

    /** Sends {@code AUTH user password}; a refusal is thrown as {@link RedisCommandException}. */
    void auth(String user, String password) throws IOException {
        call("AUTH", user, password);
    }

    /** Sends one command and returns its reply as text; an error reply is thrown as {@link RedisCommandException}. */
    String call(String... args) throws IOException {
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        writeLine(request, "*" + args.length);
        for (String arg : args) {
            byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
            writeLine(request, "$" + bytes.length);
            request.write(bytes);
            writeLine(request, "");
        }
        out.write(request.toByteArray());
        out.flush();
        int type = in.read();
        if (type == '-') {
            throw new RedisCommandException(display(args), readLine());
        }
        StringBuilder text = new StringBuilder();
        readReply(type, text);
        return text.toString();
    }

    private static String display(String... args) {
        // never put a password into an exception message
        if (args.length > 1 && args[0].equalsIgnoreCase("AUTH")) {
            return args.length > 2 ? "AUTH " + args[1] + " ****" : "AUTH ****";
        }
        return String.join(" ", args);
    }

    private void readReply(int type, StringBuilder text) throws IOException {
        switch (type) {
            case '+', ':' -> text.append(readLine());
            case '-' -> text.append(readLine());
            case '$' -> {
                int length = Integer.parseInt(readLine());
                if (length >= 0) {
                    text.append(new String(in.readNBytes(length), StandardCharsets.UTF_8));
                    readLine();
                }
            }
            case '*' -> {
                int count = Integer.parseInt(readLine());
                for (int i = 0; i < count; i++) {
                    if (i > 0) {
                        text.append('\n');
                    }
                    readReply(in.read(), text);
                }
            }
            case -1 -> throw new EOFException("connection closed by " + socket.getRemoteSocketAddress());
            default -> throw new IOException("not a RESP2 reply type: '" + (char) type + "'");
        }
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\r'; b = in.read()) {
            if (b == -1) {
                throw new EOFException("connection closed by " + socket.getRemoteSocketAddress());
            }
            line.write(b);
        }
        in.read(); // the '\n' after '\r'
        return line.toString(StandardCharsets.UTF_8);
    }

    private static void writeLine(OutputStream target, String line) throws IOException {
        target.write(line.getBytes(StandardCharsets.UTF_8));
        target.write('\r');
        target.write('\n');
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
