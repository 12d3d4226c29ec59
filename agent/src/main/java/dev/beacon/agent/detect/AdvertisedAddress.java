package dev.beacon.agent.detect;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Chooses the address other machines should use to reach a listener. The rule, first match wins:
 * <ol>
 *   <li>{@code host=} when given;</li>
 *   <li>the bound address when the listener is bound to one specific address (loopback included);</li>
 *   <li>for a wildcard bind, the first address of an interface that is up and not loopback, skipping virtual
 *       interfaces of container runtimes ({@code docker*}, {@code veth*}, {@code br-*}, {@code virbr*},
 *       {@code cni*}, {@code flannel*}, {@code cali*}) and link-local addresses: a site-local IPv4 address before
 *       any other IPv4 address, before a global IPv6 address;</li>
 *   <li>else the loopback address.</li>
 * </ol>
 */
public final class AdvertisedAddress {

    private static final String[] VIRTUAL_PREFIXES = {"docker", "veth", "br-", "virbr", "cni", "flannel", "cali",
        "vxlan", "tun", "tap", "podman", "lxc"};

    /**
     * The chosen address and why it was chosen (for the INFO line); {@code missed} says which of {@code interface=}
     * and {@code network=} matched nothing (empty when none was given or one matched), for a warning.
     */
    public record Choice(String host, String reason, String missed) {
        Choice(String host, String reason) {
            this(host, reason, "");
        }
    }

    private AdvertisedAddress() {
    }

    public static Choice choose(String forcedHost, InetAddress bound) {
        return choose(forcedHost, bound, null, null);
    }

    /**
     * As {@link #choose(String, InetAddress)}, with {@code interface=} and {@code network=} consulted (in that order)
     * for a wildcard bind, before the default ranking.
     */
    public static Choice choose(String forcedHost, InetAddress bound, String networkInterface, Cidr network) {
        if (forcedHost != null) {
            return new Choice(forcedHost, "host= was given");
        }
        if (bound != null && !bound.isAnyLocalAddress()) {
            return new Choice(literal(bound), "the listener is bound to it");
        }
        String missed = "";
        if (networkInterface != null) {
            InetAddress found = ofInterface(networkInterface);
            if (found != null) {
                return new Choice(literal(found), "interface=" + networkInterface);
            }
            missed = "interface " + networkInterface + " has no usable address; ";
        }
        if (network != null) {
            for (InetAddress address : allAddresses()) {
                if (network.contains(address)) {
                    return new Choice(literal(address), "network=" + network);
                }
            }
            missed += "no interface address is inside " + network + "; ";
        }
        Choice fallback = byRank();
        return missed.isEmpty() ? fallback
                : new Choice(fallback.host(), missed + fallback.reason(), missed.substring(0, missed.length() - 2));
    }

    private static InetAddress ofInterface(String name) {
        try {
            NetworkInterface nic = NetworkInterface.getByName(name);
            if (nic == null || !nic.isUp()) {
                return null;
            }
            InetAddress best = null;
            for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                if (address.isLinkLocalAddress() || address.isMulticastAddress()) {
                    continue;
                }
                if (address instanceof Inet4Address) {
                    return address;
                }
                if (best == null) {
                    best = address;
                }
            }
            return best;
        } catch (SocketException e) {
            return null;
        }
    }

    private static List<InetAddress> allAddresses() {
        List<InetAddress> addresses = new ArrayList<>();
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (nic.isUp()) {
                    addresses.addAll(Collections.list(nic.getInetAddresses()));
                }
            }
        } catch (SocketException e) {
            return addresses;
        }
        return addresses;
    }

    private static Choice byRank() {
        List<InetAddress> candidates = candidates();
        InetAddress best = null;
        int bestRank = Integer.MAX_VALUE;
        for (InetAddress address : candidates) {
            int rank = rank(address);
            if (rank < bestRank) {
                best = address;
                bestRank = rank;
            }
        }
        if (best == null) {
            return new Choice("127.0.0.1", "no non-loopback interface is up");
        }
        return new Choice(literal(best), "first " + (bestRank == 0 ? "site-local IPv4" : bestRank == 1 ? "IPv4"
                : "global IPv6") + " address of a physical interface (wildcard bind)");
    }

    private static int rank(InetAddress address) {
        if (address instanceof Inet4Address) {
            return address.isSiteLocalAddress() ? 0 : 1;
        }
        return 2;
    }

    private static List<InetAddress> candidates() {
        List<InetAddress> addresses = new ArrayList<>();
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nic.isUp() || nic.isLoopback() || nic.isVirtual() || isContainerBridge(nic.getName())) {
                    continue;
                }
                for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                    if (!address.isLoopbackAddress() && !address.isLinkLocalAddress()
                            && !address.isMulticastAddress()
                            && (address instanceof Inet4Address || address instanceof Inet6Address)) {
                        addresses.add(address);
                    }
                }
            }
        } catch (SocketException | RuntimeException e) {
            return addresses;
        }
        return addresses;
    }

    static boolean isContainerBridge(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        for (String prefix : VIRTUAL_PREFIXES) {
            if (lower.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    static String literal(InetAddress address) {
        String text = address.getHostAddress();
        int zone = text.indexOf('%');
        return zone >= 0 ? text.substring(0, zone) : text;
    }
}
