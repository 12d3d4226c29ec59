package dev.beacon.agent.it;

import com.sun.net.httpserver.HttpServer;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * An app with two listeners, run by {@link AgentIT}: first an admin socket on loopback only, then its main HTTP
 * server on all interfaces. Prints {@code admin <port>} and {@code listening on <port>}.
 */
public final class TwoPortsApp {

    private TwoPortsApp() {
    }

    public static void main(String[] args) throws Exception {
        ServerSocket admin = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        System.out.println("admin " + admin.getLocalPort());
        Thread.sleep(300);
        HttpServer server = HttpServer.create(new InetSocketAddress(0), 0);
        server.createContext("/", exchange -> {
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        System.out.println("listening on " + server.getAddress().getPort());
        Thread.sleep(Long.MAX_VALUE);
        admin.close();
    }
}
