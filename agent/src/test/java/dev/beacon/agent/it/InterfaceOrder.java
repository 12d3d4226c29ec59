package dev.beacon.agent.it;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.util.Collections;

/**
 * Prints {@code <interface> <address>} for every address of every interface that is up, in the order this JVM
 * enumerates them: the order the agent's "first address" rule follows. Run by {@link NetworkNamespaceIT}.
 */
public final class InterfaceOrder {

    private InterfaceOrder() {
    }

    public static void main(String[] args) throws Exception {
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (nic.isUp()) {
                for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                    System.out.println(nic.getName() + " " + address.getHostAddress());
                }
            }
        }
    }
}
