package dev.beacon.server.internal;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import dev.beacon.support.Texts;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Checks on a request's head before anything else is read: the size of the target and the headers, and, on a server
 * bound to loopback, that the {@code Host} names this machine (a browser tricked by DNS rebinding sends a foreign
 * name).
 */
final class RequestHead {

    static final int MAX_URI_LENGTH = 8192;
    static final int MAX_HEADERS = 100;
    static final int MAX_HEADER_BYTES = 64 * 1024;
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-f:.]{2,45}");

    private RequestHead() {
    }

    /**
     * @param loopbackOnly refuse a {@code Host} that is not a loopback name
     * @throws HttpError 414 or 431 for a head too large, 403 for a foreign {@code Host}
     */
    static void check(HttpExchange exchange, boolean loopbackOnly) {
        if (exchange.getRequestURI().toString().length() > MAX_URI_LENGTH) {
            throw new HttpError(414, "the request target is longer than " + MAX_URI_LENGTH + " characters");
        }
        Headers headers = exchange.getRequestHeaders();
        int count = 0;
        long bytes = 0;
        for (Map.Entry<String, List<String>> header : headers.entrySet()) {
            for (String value : header.getValue()) {
                count++;
                bytes += header.getKey().length() + (value == null ? 0 : value.length()) + 4;
            }
        }
        if (count > MAX_HEADERS || bytes > MAX_HEADER_BYTES) {
            throw new HttpError(431, "request headers too large: " + count + " headers, " + bytes
                    + " bytes; the limits are " + MAX_HEADERS + " headers and " + MAX_HEADER_BYTES + " bytes");
        }
        if (loopbackOnly) {
            List<String> hosts = headers.get("Host");
            if (hosts != null && (hosts.size() != 1 || !isLoopbackHost(hosts.get(0)))) {
                throw new HttpError(403, "Host " + Texts.quote(String.join(", ", hosts)) + " is not answered: "
                        + "this server listens on loopback and answers only requests for localhost or a loopback "
                        + "address such as 127.0.0.1 or [::1] (protection against DNS rebinding)");
            }
        }
    }

    /**
     * Whether a Host header value names this machine: {@code localhost} or a loopback IP literal, any port. Names are
     * never resolved.
     */
    static boolean isLoopbackHost(String host) {
        String value = host.trim().toLowerCase(Locale.ROOT);
        if (value.startsWith("[")) {
            int end = value.indexOf(']');
            String literal = end < 0 ? "" : value.substring(1, end);
            if (!IPV6.matcher(literal).matches() || literal.indexOf(':') < 0) {
                return false;
            }
            try {
                // a literal with a colon is parsed, never looked up
                return InetAddress.getByName("[" + literal + "]").isLoopbackAddress();
            } catch (UnknownHostException e) {
                return false;
            }
        }
        int colon = value.indexOf(':');
        String name = colon < 0 ? value : value.substring(0, colon);
        if (name.equals("localhost")) {
            return true;
        }
        if (!IPV4.matcher(name).matches()) {
            return false;
        }
        for (String octet : name.split("\\.")) {
            if (Integer.parseInt(octet) > 255) {
                return false;
            }
        }
        return name.startsWith("127.");
    }
}
