package dev.beacon.servers.apps;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.ServerSocketChannel;

/**
 * A blocking NIO {@link ServerSocketChannel}. Args: {@code ipv4|ipv6 [port]}: {@code ipv4} opens an IPv4 channel on
 * all IPv4 interfaces ({@code 0.0.0.0}), {@code ipv6} an IPv6 channel on the IPv6 loopback ({@code ::1}) only.
 */
public final class ServerSocketChannelApp {

    private ServerSocketChannelApp() {
    }

    public static void main(String[] args) throws Exception {
        boolean ipv6 = args[0].equals("ipv6");
        int port = Apps.port(args, 1);
        try (ServerSocketChannel server = ServerSocketChannel.open(
                ipv6 ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET)) {
            server.bind(new InetSocketAddress(InetAddress.getByName(ipv6 ? "::1" : "0.0.0.0"), port));
            InetSocketAddress local = (InetSocketAddress) server.getLocalAddress();
            System.out.println("bound to " + local.getAddress().getHostAddress());
            Apps.listening(local.getPort());
            while (true) {
                Apps.answer(server.accept().socket());
            }
        }
    }
}
