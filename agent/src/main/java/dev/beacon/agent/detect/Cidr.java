package dev.beacon.agent.detect;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** A CIDR block such as {@code 10.0.0.0/8} or {@code fd00::/8}, for {@code network=}. */
public record Cidr(InetAddress base, int prefix) {

    private static final Pattern LITERAL = Pattern.compile("[0-9A-Fa-f.:]+");

    /**
     * @throws IllegalArgumentException naming the value and the expected form
     */
    public static Cidr parse(String text) {
        int slash = text.indexOf('/');
        String address = slash < 0 ? text : text.substring(0, slash);
        if (!LITERAL.matcher(address).matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a CIDR block like 10.0.0.0/8");
        }
        InetAddress base;
        try {
            base = InetAddress.getByName(address); // a literal: no name lookup
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
