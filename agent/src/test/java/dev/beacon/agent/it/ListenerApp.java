package dev.beacon.agent.it;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.AsynchronousServerSocketChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * An app that binds and closes listeners on loopback when told, run by {@link ListenerCloseIT}. Commands on stdin,
 * one a line: {@code bind <n> socket|channel|async} binds a {@link ServerSocket}, a {@link ServerSocketChannel} or
 * an {@link AsynchronousServerSocketChannel} on a free port and prints {@code bound <n> <port>};
 * {@code close <n> <port>} closes that port's listener and prints {@code closed <n> <epoch µs just before close()>}.
 * Runs until its stdin ends.
 */
public final class ListenerApp {

    private ListenerApp() {
    }

    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        Map<Integer, Closeable> open = new HashMap<>();
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        epochMicros(); // loaded before the first timed close
        System.out.println("ready");
        for (String line; (line = in.readLine()) != null; ) {
            String[] command = line.trim().split(" ");
            if (command[0].equals("bind")) {
                int port;
                Closeable listener;
                switch (command[2]) {
                    case "socket" -> {
                        ServerSocket socket = new ServerSocket();
                        socket.bind(loopback);
                        port = socket.getLocalPort();
                        listener = socket;
                    }
                    case "channel" -> {
                        ServerSocketChannel channel = ServerSocketChannel.open();
                        channel.bind(loopback);
                        port = ((InetSocketAddress) channel.getLocalAddress()).getPort();
                        listener = channel;
                    }
                    default -> {
                        AsynchronousServerSocketChannel channel = AsynchronousServerSocketChannel.open();
                        channel.bind(loopback);
                        port = ((InetSocketAddress) channel.getLocalAddress()).getPort();
                        listener = channel;
                    }
                }
                open.put(port, listener);
                System.out.println("bound " + command[1] + " " + port);
            } else if (command[0].equals("close")) {
                Closeable listener = open.remove(Integer.parseInt(command[2]));
                long before = epochMicros();
                listener.close();
                System.out.println("closed " + command[1] + " " + before);
            }
            System.out.flush();
        }
    }

    private static long epochMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }
}
