package dev.beacon.agent.it;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.util.Map;
import java.util.TreeSet;

import static dev.beacon.agent.it.LogbackApp.call;

/**
 * An app logging through log4j2 (log4j-api and log4j-core), configured by its own {@code log4j2.xml}, run by
 * {@link LoggingIsolationIT} with the agent. Logs {@code app logging works} at start and {@code served /} on every
 * {@code GET /}. {@code GET /report} describes its logging as the app sees it then: the configuration file in use,
 * the root logger's level and appenders, every logger in the context, and the logging system properties. log4j-core
 * is read by reflection: it is on the app's class path only. Prints {@code listening on <port>}.
 */
public final class Log4jApp {

    private Log4jApp() {
    }

    public static void main(String[] args) throws Exception {
        Logger log = LogManager.getLogger(Log4jApp.class);
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
        Object context = LogManager.getContext(false);
        StringBuilder report = new StringBuilder();
        report.append("factory ").append(context.getClass().getName()).append('\n');
        Object configuration = call(context, "getConfiguration");
        report.append("config ").append(call(call(configuration, "getConfigurationSource"), "getLocation"))
                .append('\n');
        Object rootConfig = call(configuration, "getRootLogger");
        report.append("root-level ").append(call(rootConfig, "getLevel")).append('\n');
        report.append("root-appenders ").append(String.join(",",
                new TreeSet<>(((Map<?, ?>) call(rootConfig, "getAppenders")).keySet().stream()
                        .map(String::valueOf).toList()))).append('\n');
        report.append("appenders ").append(String.join(",",
                new TreeSet<>(((Map<?, ?>) call(configuration, "getAppenders")).keySet().stream()
                        .map(String::valueOf).toList()))).append('\n');
        report.append("logger-configs ").append(String.join(",",
                new TreeSet<>(((Map<?, ?>) call(configuration, "getLoggers")).keySet().stream()
                        .map(String::valueOf).toList()))).append('\n');
        TreeSet<String> loggers = new TreeSet<>();
        for (Object logger : (Iterable<?>) call(context, "getLoggers")) {
            loggers.add(String.valueOf(call(logger, "getName")));
        }
        report.append("loggers ").append(String.join(",", loggers)).append('\n');
        for (String property : new String[] {"log4j2.configurationFile", "log4j.configurationFile",
            "log4j2.contextSelector", "Log4jContextSelector", "log4j2.loggerContextFactory",
            "java.util.logging.manager", "java.util.logging.config.file"}) {
            report.append("property ").append(property).append('=').append(System.getProperty(property))
                    .append('\n');
        }
        return report.toString();
    }
}
