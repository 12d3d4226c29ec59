package dev.beacon.agent.it;

import java.net.ServerSocket;
import java.net.Socket;

/**
 * The smallest listening app, for {@link JvmSubsystemsIT}: a plain {@link ServerSocket} on all interfaces, no HTTP server
 * and no logging, so that what the JVM loads beyond its own start-up is what the agent loads. Prints
 * {@code listening on <port>} and answers each connection by closing it.
 */
public final class QuietApp {

    private QuietApp() {
    }

    public static void main(String[] args) throws Exception {
        try (ServerSocket server = new ServerSocket(0)) {
            System.out.println("listening on " + server.getLocalPort());
            while (true) {
                try (Socket ignored = server.accept()) {
                    // nothing to say
                }
            }
        }
    }
}
