package dev.beacon.agent.logging;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The shape of every line the agent writes on stderr:
 * {@code [beacon] 2026-12-05 14:31:51.123 INFO registered service=orders …}. {@code [beacon]} comes first, so that
 * scripts grep the agent's lines out of an app's output; then the local date and time to the millisecond, so that a
 * line can be placed among the app's own log lines; then the level ({@code ERROR}, {@code WARN}, {@code INFO},
 * {@code DEBUG}, {@code TRACE}) and the message.
 *
 * <p>Uses no SLF4J, so that the entry point ({@code BeaconAgent}) writes its few lines in the same shape without
 * touching a logging framework. Thread-safe; a line is built in one {@link StringBuilder}.
 */
public final class AgentLogLine {

    /** What every line of the agent starts with. */
    public static final String PREFIX = "[beacon] ";

    /** Built once; immutable and thread-safe. */
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSS", Locale.ROOT);

    /** The length of a line's start: prefix, time, the longest level, and the spaces after them. */
    static final int START_LENGTH = PREFIX.length() + "2026-12-05 14:31:51.123".length() + " ERROR ".length();

    private AgentLogLine() {
    }

    /** Appends the start of a line at {@code time}: everything before the message, with the space before it. */
    static StringBuilder start(StringBuilder line, LocalDateTime time, String level) {
        line.append(PREFIX);
        TIME.formatTo(time, line);
        return line.append(' ').append(level).append(' ');
    }

    /** One line, without its line separator. */
    static String format(LocalDateTime time, String level, String message) {
        return start(new StringBuilder(START_LENGTH + message.length()), time, level).append(message).toString();
    }

    /** Writes one {@code ERROR} line on stderr at the current local time (for the entry point only). */
    public static void printError(String message) {
        System.err.println(format(LocalDateTime.now(), "ERROR", message));
    }

    /** Writes one {@code WARN} line on stderr at the current local time (for the entry point only). */
    public static void printWarning(String message) {
        System.err.println(format(LocalDateTime.now(), "WARN", message));
    }
}
