package dev.beacon.agent.it;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;

/**
 * An app logging through SLF4J 2 and logback, configured by its own {@code logback.xml}, run by
 * {@link LoggingIsolationIT} with the agent. Logs {@code app logging works} at start and {@code served /} on every
 * {@code GET /}. {@code GET /report} describes its logging as the app sees it then: the logback configuration file in
 * use, the root logger's level and appenders, every logger in the context, logback's own warnings and errors, and
 * the logging system properties. Logback is read by reflection: it is on the app's class path only, never on the
 * test's. Prints {@code listening on <port>}.
 */
public final class LogbackApp {

    private LogbackApp() {
    }

    public static void main(String[] args) throws Exception {
        Logger log = LoggerFactory.getLogger(LogbackApp.class);
        log.info("app logging works");
        PlainHttpApp.serve(path -> {
            if (path.equals("/report")) {
                return report();
            }
            log.info("served {}", path);
            return "ok";
        });
    }

    private static String report() throws Exception {
        Object context = LoggerFactory.getILoggerFactory();
        StringBuilder report = new StringBuilder();
        report.append("factory ").append(context.getClass().getName()).append('\n');
        Class<?> contextType = Class.forName("ch.qos.logback.core.Context");
        Object configUrl = Class.forName("ch.qos.logback.core.joran.util.ConfigurationWatchListUtil")
                .getMethod("getMainWatchURL", contextType).invoke(null, context);
        report.append("config ").append(configUrl).append('\n');
        Object root = call(context, "getLogger", new Class<?>[] {String.class}, org.slf4j.Logger.ROOT_LOGGER_NAME);
        report.append("root-level ").append(call(root, "getLevel")).append('\n');
        List<String> appenders = new ArrayList<>();
        for (Iterator<?> it = (Iterator<?>) call(root, "iteratorForAppenders"); it.hasNext(); ) {
            appenders.add(String.valueOf(call(it.next(), "getName")));
        }
        report.append("root-appenders ").append(String.join(",", appenders)).append('\n');
        TreeSet<String> loggers = new TreeSet<>();
        for (Object logger : (List<?>) call(context, "getLoggerList")) {
            loggers.add(String.valueOf(call(logger, "getName")));
        }
        report.append("loggers ").append(String.join(",", loggers)).append('\n');
        Object statusManager = call(context, "getStatusManager");
        for (Object status : (List<?>) call(statusManager, "getCopyOfStatusList")) {
            int level = (Integer) call(status, "getLevel"); // 0 INFO, 1 WARN, 2 ERROR
            if (level > 0) {
                report.append("status-problem ").append(call(status, "getMessage")).append('\n');
            }
        }
        for (String property : new String[] {"logback.configurationFile", "logback.ContextSelector",
            "slf4j.provider", "java.util.logging.manager", "java.util.logging.config.file"}) {
            report.append("property ").append(property).append('=').append(System.getProperty(property))
                    .append('\n');
        }
        return report.toString();
    }

    /** Calls a public method declared by a public type of {@code target}'s class or its supertypes. */
    static Object call(Object target, String name, Class<?>[] types, Object... args) throws Exception {
        for (Class<?> type = target.getClass(); type != null; type = type.getSuperclass()) {
            if (java.lang.reflect.Modifier.isPublic(type.getModifiers())) {
                try {
                    Method method = type.getMethod(name, types);
                    return method.invoke(target, args);
                } catch (NoSuchMethodException notHere) {
                    // try the superclass
                }
            }
        }
        throw new NoSuchMethodException(target.getClass().getName() + "." + name);
    }

    static Object call(Object target, String name) throws Exception {
        return call(target, name, new Class<?>[0]);
    }
}
