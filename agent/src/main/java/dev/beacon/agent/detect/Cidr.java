package dev.beacon.agent.detect;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A CIDR block such as {@code 10.0.0.0/8} or {@code fd00::/8}, for {@code network=}. */
public record Cidr(InetAddress base, int prefix) {

    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f.:]*:[0-9A-Fa-f.:]*");

    /**
     * @throws IllegalArgumentException naming the value and the expected form
     */
    public static Cidr parse(String text) {
        int slash = text.indexOf('/');
        String address = slash < 0 ? text : text.substring(0, slash);
        InetAddress base;
        try {
            // Only literals reach InetAddress, never a name ("dead", "1.2", "999.0.0.1" would be looked up in DNS,
            // on the app's main thread, since the agent's arguments are checked in premain).
            Matcher ipv4 = IPV4.matcher(address);
            if (ipv4.matches()) {
                byte[] bytes = new byte[4];
                for (int i = 0; i < 4; i++) {
                    int octet = Integer.parseInt(ipv4.group(i + 1));
                    if (octet > 255) {
                        throw new UnknownHostException(address);
                    }
                    bytes[i] = (byte) octet;
                }
                base = InetAddress.getByAddress(bytes);
            } else if (IPV6.matcher(address).matches()) {
                base = InetAddress.getByName(address); // contains ':': parsed as an IPv6 literal, never looked up
            } else {
                throw new UnknownHostException(address);
            }
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + text + "' is not a CIDR block like 10.0.0.0/8");
        }
        int bits = base.getAddress().length * 8;
        int prefix = bits;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(text.substring(slash + 1));
            } catch (NumberFormatException e) {
                prefix = -1;
            }
        }
        if (prefix < 0 || prefix > bits) {
            throw new IllegalArgumentException("'" + text + "' has a bad prefix length; use 0.." + bits);
        }
        return new Cidr(base, prefix);
    }

    public boolean contains(InetAddress address) {
        byte[] a = base.getAddress();
        byte[] b = address.getAddress();
        if (a.length != b.length) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (a[i] != b[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (a[full] & mask) == (b[full] & mask);
    }

    @Override
    public String toString() {
        return base.getHostAddress() + "/" + prefix;
    }
}
