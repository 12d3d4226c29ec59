package dev.beacon.agent.logging;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the agent's lines in a process's output, for the tests: {@code [beacon] 2026-12-05 14:31:51.123 INFO message}.
 * Written from the documented format, not from {@link AgentLogLine}'s code, so that a test using it checks the format
 * too: a line that starts with {@code [beacon]} but is not of that shape is no agent line here.
 */
public final class AgentLines {

    /** Group 1 the local date and time, group 2 the level, group 3 the message. */
    public static final Pattern LINE = Pattern.compile(
            "\\[beacon] (\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}\\.\\d{3}) (ERROR|WARN|INFO|DEBUG|TRACE) (.*)",
            Pattern.DOTALL);

    private AgentLines() {
    }

    /** Whether {@code line} starts with {@code [beacon]}, as every line of the agent does (and only those). */
    public static boolean isAgentLine(String line) {
        return line.startsWith("[beacon]");
    }

    /** Whether {@code line} is an agent line of the documented shape. */
    public static boolean isWellFormed(String line) {
        return LINE.matcher(line).matches();
    }

    /** The level of an agent line; empty for any other line. */
    public static Optional<String> level(String line) {
        Matcher m = LINE.matcher(line);
        return m.matches() ? Optional.of(m.group(2)) : Optional.empty();
    }

    /** The message of an agent line (what follows its time and level); empty for any other line. */
    public static Optional<String> message(String line) {
        Matcher m = LINE.matcher(line);
        return m.matches() ? Optional.of(m.group(3)) : Optional.empty();
    }

    /** Whether {@code line} is an agent line at {@code level}. */
    public static boolean hasLevel(String line, String level) {
        return level(line).filter(level::equals).isPresent();
    }

    /** Whether {@code line} is an agent line at WARN or ERROR. */
    public static boolean isWarnOrError(String line) {
        return hasLevel(line, "WARN") || hasLevel(line, "ERROR");
    }

    /** The messages of the agent lines among {@code lines}, in order. */
    public static List<String> messages(Collection<String> lines) {
        return lines.stream().map(AgentLines::message).flatMap(Optional::stream).toList();
    }

    /** The messages of the agent lines at {@code level} among {@code lines}, in order. */
    public static List<String> messages(Collection<String> lines, String level) {
        return lines.stream().filter(line -> hasLevel(line, level)).map(AgentLines::message)
                .flatMap(Optional::stream).toList();
    }
}
