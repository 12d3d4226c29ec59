package dev.beacon.servers.apps;

import java.net.ServerSocket;

/** A classic {@link ServerSocket} on all interfaces, one connection at a time. Args: {@code [port]}. */
public final class ServerSocketApp {

    private ServerSocketApp() {
    }

    public static void main(String[] args) throws Exception {
        try (ServerSocket server = new ServerSocket(Apps.port(args, 0))) {
            Apps.listening(server.getLocalPort());
            while (true) {
                Apps.answer(server.accept());
            }
        }
    }
}
