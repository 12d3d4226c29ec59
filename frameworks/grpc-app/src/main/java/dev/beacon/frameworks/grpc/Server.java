package dev.beacon.frameworks.grpc;

import io.grpc.ServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;

import java.net.ServerSocket;

/**
 * A grpc-java server on a port the system chooses. Before it starts, it binds a throwaway server socket only to learn
 * a free port number and closes it at once, as some servers do: the agent must never register that one. Prints
 * {@code grpc: throwaway <port>} and {@code grpc: listening <port> at <epoch millis>}; two seconds later it starts a second server on another port and
 * prints {@code grpc: second <port> at <epoch millis>}.
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
        // a second server once the agent runs: its registration latency is the serving rule's, not the agent's start
        Thread.sleep(2_000);
        io.grpc.Server second = ServerBuilder.forPort(0).addService(health.getHealthService()).build().start();
        System.out.println("grpc: second " + second.getPort() + " at " + System.currentTimeMillis());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.shutdown();
            second.shutdown();
        }));
        server.awaitTermination();
    }
}
