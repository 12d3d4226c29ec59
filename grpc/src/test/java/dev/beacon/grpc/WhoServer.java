package dev.beacon.grpc;

import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;

import java.util.concurrent.TimeUnit;

/**
 * A real grpc-java server (Netty, shaded) serving {@link WhoService} on a free port of 127.0.0.1; run in its own
 * JVM under the agent by the tests. Prints {@code listening on PORT}; stops gracefully on SIGTERM.
 */
public final class WhoServer {

    private WhoServer() {
    }

    public static void main(String[] args) throws Exception {
        Server server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
                .addService(WhoService.definition(args[0]))
                .build()
                .start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.shutdown();
            try {
                server.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        System.out.println("listening on " + server.getPort());
        server.awaitTermination();
    }
}
