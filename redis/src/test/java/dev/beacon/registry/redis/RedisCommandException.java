package dev.beacon.registry.redis;

/**
 * Redis answered a command with an error reply, such as {@code NOPERM ...} or {@code MOVED 3999 127.0.0.1:7001}.
 */
public final class RedisCommandException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String error;

    RedisCommandException(String command, String error) {
        super("'" + command + "' was answered with an error: " + error);
        this.error = error;
    }

    /** The error reply as Redis sent it, without the leading {@code -}: {@code "NOPERM this user has no ..."}. */
    public String error() {
        return error;
    }

    /** The error's first word, its code by Redis convention: {@code "NOPERM"}, {@code "MOVED"}, {@code "ERR"}. */
    public String code() {
        int space = error.indexOf(' ');
        return space < 0 ? error : error.substring(0, space);
    }
}
