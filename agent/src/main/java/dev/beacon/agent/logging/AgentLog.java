package dev.beacon.agent.logging;

import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

import java.io.PrintStream;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Locale;

/**
 * The agent's own log: one line per event on stderr, {@code [beacon]}, the local time to the millisecond and the level
 * first ({@link AgentLogLine}), so the host app's logging is never touched. Backs the relocated SLF4J that core logs through (see {@link AgentLoggerProvider}). The level is the one
 * process-wide setting of the agent ({@code log=}); throwables are shown as one line unless the level is DEBUG.
 */
public final class AgentLog extends LegacyAbstractLogger {

    private static final long serialVersionUID = 1L;

    /** OFF is represented by an int above ERROR. */
    private static volatile int threshold = Level.INFO.toInt();

    /**
     * Curator's and ZooKeeper's client (zookeeper:// registries) log every connection step at INFO: only their WARN
     * and ERROR reach the agent's lines. (The shade plugin relocates these names with the classes.)
     */
    private static final List<String> QUIET = List.of("org.apache.zookeeper.", "org.apache.curator.");

    /** The least level this logger prints, whatever the agent's level. */
    private final int floor;

    private AgentLog(String name) {
        this.name = name;
        this.floor = QUIET.stream().anyMatch(name::startsWith) ? Level.WARN.toInt() : Level.TRACE.toInt();
    }

    static Logger named(String name) {
        return new AgentLog(name);
    }

    /**
     * A logger for the agent's own classes. Created directly, not through SLF4J's {@code LoggerFactory}, whose
     * provider lookup would otherwise run in premain, on the app's main thread; core's classes, which log through
     * SLF4J, initialise it later on the agent's thread.
     */
    public static Logger get(Class<?> type) {
        return new AgentLog(type.getName());
    }

    /**
     * Sets the level: {@code error}, {@code warn}, {@code info}, {@code debug}, {@code trace} or {@code off}.
     *
     * @throws IllegalArgumentException naming the bad value and the valid ones
     */
    public static void setLevel(String level) {
        threshold = parseLevel(level);
    }

    /** Validates a level name; returns its threshold. */
    public static int parseLevel(String level) {
        String value = level == null ? "" : level.trim().toLowerCase(Locale.ROOT);
        switch (value) {
            case "off":
                return Integer.MAX_VALUE;
            case "error":
                return Level.ERROR.toInt();
            case "warn":
                return Level.WARN.toInt();
            case "info":
                return Level.INFO.toInt();
            case "debug":
                return Level.DEBUG.toInt();
            case "trace":
                return Level.TRACE.toInt();
            default:
                throw new IllegalArgumentException(
                        "log level must be one of off, error, warn, info, debug, trace, but was '" + level + "'");
        }
    }

    private boolean enabled(Level level) {
        return level.toInt() >= Math.max(threshold, floor);
    }

    @Override
    public boolean isTraceEnabled() {
        return enabled(Level.TRACE);
    }

    @Override
    public boolean isDebugEnabled() {
        return enabled(Level.DEBUG);
    }

    @Override
    public boolean isInfoEnabled() {
        return enabled(Level.INFO);
    }

    @Override
    public boolean isWarnEnabled() {
        return enabled(Level.WARN);
    }

    @Override
    public boolean isErrorEnabled() {
        return enabled(Level.ERROR);
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments,
                                               Throwable throwable) {
        LocalDateTime now = LocalDateTime.now();
        String message = MessageFormatter.basicArrayFormat(pattern, arguments);
        StringBuilder line = AgentLogLine.start(new StringBuilder(AgentLogLine.START_LENGTH + message.length() + 16),
                now, level.toString()).append(message);
        boolean stackTrace = throwable != null && threshold <= Level.DEBUG.toInt();
        if (throwable != null && !stackTrace) {
            line.append(": ").append(throwable);
            for (Throwable cause = throwable.getCause(); cause != null && cause != cause.getCause();
                 cause = cause.getCause()) {
                line.append("; caused by ").append(cause);
            }
        }
        PrintStream err = System.err;
        synchronized (err) {
            err.println(line);
            if (stackTrace) {
                throwable.printStackTrace(err);
            }
        }
    }
}
