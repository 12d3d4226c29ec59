package dev.beacon.servers.apps;

import com.sun.net.httpserver.HttpServer;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/** The JDK's {@code com.sun.net.httpserver.HttpServer} on all interfaces. Args: {@code [port]}. */
public final class JdkHttpServerApp {

    private JdkHttpServerApp() {
    }

    public static void main(String[] args) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(Apps.port(args, 0)), 0);
        server.createContext("/", exchange -> {
            byte[] body = "hello\n".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        Apps.listening(server.getAddress().getPort());
    }
}
