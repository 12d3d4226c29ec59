package dev.beacon.http.internal;

/** Small string helpers for error messages that echo what the client sent. */
public final class Texts {

    private static final int MAX_SHOWN = 80;

    private Texts() {
    }

    /**
     * {@code value} in single quotes, cut to {@value #MAX_SHOWN} characters with its length noted, control characters
     * escaped: safe to put in an error message whatever the client sent.
     */
    public static String quote(String value) {
        if (value == null) {
            return "null";
        }
        String shown = value.length() > MAX_SHOWN ? value.substring(0, MAX_SHOWN) : value;
        StringBuilder quoted = new StringBuilder(shown.length() + 16).append('\'');
        for (int i = 0; i < shown.length(); i++) {
            char c = shown.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                quoted.append(String.format("\\x%02x", (int) c));
            } else {
                quoted.append(c);
            }
        }
        quoted.append('\'');
        if (value.length() > MAX_SHOWN) {
            quoted.append("…(").append(value.length()).append(" chars)");
        }
        return quoted.toString();
    }
}
