package dev.beacon.agent.it;

import com.sun.net.httpserver.HttpServer;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * An HTTP app bound to one address, run by {@link NetworkNamespaceIT}: {@code BoundApp <address>} listens on a free
 * port of that address only and prints {@code listening on <port>}.
 */
public final class BoundApp {

    private BoundApp() {
    }

    public static void main(String[] args) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(args[0]), 0), 0);
        server.createContext("/", exchange -> {
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        System.out.println("listening on " + server.getAddress().getPort());
    }
}
