package dev.beacon.servers.apps;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;

/**
 * What the server apps share. Every app takes its port as the first argument (0 or absent: let the system choose),
 * prints {@code listening on <port>} with the port its server reports it is bound to (never what the agent saw),
 * answers {@code GET /} with 200 and serves until it is killed. None of them knows anything of Beacon.
 */
public final class Apps {

    /** A whole HTTP/1.1 response for the apps that speak raw TCP. */
    public static final byte[] HTTP_OK = ("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 6\r\n"
            + "Connection: close\r\n\r\nhello\n").getBytes(StandardCharsets.US_ASCII);

    private Apps() {
    }

    /** The port asked for on the command line: {@code args[index]}, or 0 when absent. */
    public static int port(String[] args, int index) {
        return args.length > index ? Integer.parseInt(args[index]) : 0;
    }

    /** The line the tests wait for. */
    public static void listening(int port) {
        System.out.println("listening on " + port);
        System.out.flush();
    }

    /** Blocks the calling thread until the JVM is stopped. */
    public static void serveUntilKilled() throws InterruptedException {
        new CountDownLatch(1).await();
    }

    /** Reads a request head (up to the blank line, or what arrives first), answers 200 and closes. */
    public static void answer(Socket socket) {
        try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
            readHead(in);
            out.write(HTTP_OK);
            out.flush();
        } catch (IOException e) {
            System.err.println("connection failed: " + e);
        }
    }

    private static void readHead(InputStream in) throws IOException {
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        for (int b; matched < end.length && (b = in.read()) >= 0; ) {
            matched = b == end[matched] ? matched + 1 : b == '\r' ? 1 : 0;
        }
    }
}
