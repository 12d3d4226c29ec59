package dev.beacon.frameworks.grpc;

import io.grpc.ServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;

import java.net.ServerSocket;

/**
 * A grpc-java server on a port the system chooses. Before it starts, it binds a throwaway server socket only to learn
 * a free port number and closes it at once, as some servers do: the agent must never register that one. Prints
 * {@code grpc: throwaway <port>} and {@code grpc: listening <port> at <epoch millis>}.
 */
public final class Server {

    private Server() {
    }

    public static void main(String[] args) throws Exception {
        int throwaway;
        try (ServerSocket probe = new ServerSocket(0)) {
            throwaway = probe.getLocalPort();
        }
        System.out.println("grpc: throwaway " + throwaway);
        HealthStatusManager health = new HealthStatusManager();
        io.grpc.Server server = ServerBuilder.forPort(0).addService(health.getHealthService()).build().start();
        System.out.println("grpc: listening " + server.getPort() + " at " + System.currentTimeMillis());
        Runtime.getRuntime().addShutdownHook(new Thread(server::shutdown));
        server.awaitTermination();
    }
}
