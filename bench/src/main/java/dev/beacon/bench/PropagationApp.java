package dev.beacon.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * The app of the propagation benchmark, started with the real agent: waits until the agent's thread is idle (loaded,
 * registry opened, loop started), prints {@code ready}, and on the line {@code bind} from its stdin binds a server
 * socket on loopback, accepts on it (as a server does, which is when the agent registers it), and prints {@code bound <epoch µs just before bind()> <port>}; on {@code close} it closes that
 * socket and prints {@code closed <epoch µs just before close()>}; then {@code bind} again, and so on. It runs until
 * it is signalled or its stdin closes.
 */
public final class PropagationApp {

    private PropagationApp() {
    }

    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        awaitAgentIdle();
        InetSocketAddress loopback = new InetSocketAddress("127.0.0.1", 0);
        ServerSocket server = new ServerSocket();
        epochMicros(); // load what the timestamp needs before the timed bind
        System.out.println("ready");
        System.out.flush();
        // runs until SIGTERM/SIGKILL, or until the harness goes away
        for (String command; (command = in.readLine()) != null; ) {
            long before = epochMicros();
            if (command.equals("bind")) {
                server.bind(loopback);
                serve(server); // as a server does: the agent registers a listener once the app accepts on it
                System.out.println("bound " + before + " " + server.getLocalPort());
            } else if (command.equals("close")) {
                server.close();
                System.out.println("closed " + before);
                server = new ServerSocket();
            } else {
                System.out.println("unknown command " + command);
            }
            System.out.flush();
        }
        System.exit(0);
    }

    /** Accepts (and closes) connections on a daemon thread until {@code server} is closed. */
    private static void serve(ServerSocket server) {
        Thread acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    server.accept().close();
                } catch (java.io.IOException closed) {
                    return;
                }
            }
        }, "propagation-app-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
    }

        private static long epochMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    /** Waits (up to 20 s) until the thread "beacon-agent" is parked in its loop, then 200 ms more. */
    private static void awaitAgentIdle() throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < deadline) {
            for (Thread thread : Thread.getAllStackTraces().keySet()) {
                if (thread.getName().equals("beacon-agent") && thread.getState() == Thread.State.TIMED_WAITING) {
                    Thread.sleep(200);
                    return;
                }
            }
            Thread.sleep(10);
        }
        System.err.println("propagation app: the agent's thread beacon-agent never became idle; is the agent loaded?");
        System.exit(3);
    }
}
