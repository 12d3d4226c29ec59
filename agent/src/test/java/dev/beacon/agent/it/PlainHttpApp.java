package dev.beacon.agent.it;

import com.sun.net.httpserver.HttpServer;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The HTTP side of the isolation test apps ({@link ByteBuddyApp}, {@link LogbackApp}, {@link Log4jApp}): a JDK
 * HttpServer on a free loopback port whose every response body is what {@code page} returns for the request's path
 * (500 with the exception if it throws). Prints {@code listening on <port>} once it serves.
 */
final class PlainHttpApp {

    /** The body for a path. */
    interface Page {
        String answer(String path) throws Exception;
    }

    private PlainHttpApp() {
    }

    static void serve(Page page) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            byte[] body;
            int status = 200;
            try {
                body = page.answer(exchange.getRequestURI().getPath()).getBytes(StandardCharsets.UTF_8);
            } catch (Exception | LinkageError e) {
                status = 500;
                body = e.toString().getBytes(StandardCharsets.UTF_8);
            }
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        System.out.println("listening on " + server.getAddress().getPort());
    }
}
