package dev.beacon.support;

/** How Beacon shows a value in a message: the one rule for every error and log line that echoes input. */
public final class Texts {

    /** Longer values are cut to this many characters, their length noted. */
    public static final int MAX_SHOWN = 80;

    private Texts() {
    }

    /**
     * {@code value} in single quotes, cut to {@value #MAX_SHOWN} characters with its length noted and control
     * characters escaped ({@code \n} as {@code \x0a}): safe in a message or a log line, whatever the input was.
     * {@code null} is shown as {@code null}, without quotes.
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
