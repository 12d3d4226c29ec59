package dev.beacon.agent.it;

import dev.beacon.agent.logging.AgentLines;
import dev.beacon.registry.FileServiceRegistry;
import dev.beacon.testing.JavaProcess;
import dev.beacon.testing.Jdks;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static dev.beacon.agent.it.LibraryIsolationIT.awaitListed;
import static dev.beacon.agent.it.LibraryIsolationIT.get;
import static dev.beacon.agent.it.LibraryIsolationIT.startApp;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Apps with their own logging framework and configuration file, with the agent attached, on every JDK of
 * {@link Jdks#all()}: SLF4J 2 + logback with a {@code logback.xml} ({@link LogbackApp}), and log4j2 (log4j-core) with
 * a {@code log4j2.xml} ({@link Log4jApp}). Their libraries come from {@code target/app-libs/<name>}, their
 * configuration from {@code target/test-classes/app-<name>}; neither is on this JVM's class path.
 *
 * <p>Each app runs once without the agent and once with it. After the agent registered, the app's own report of
 * its logging (configuration file, root level and appenders, every logger that exists, the frameworks' own
 * warnings, the logging system properties) must be the same as without the agent, and must name no logger of the
 * agent; its lines must come out on stdout in the app's format only; the agent's must be its own {@code [beacon]}
 * lines on stderr, and nothing else may be printed there.
 */
class LoggingIsolationIT {

    @TempDir
    Path temp;

    /** The logging framework (app-libs and app-resources name), the app, on every JDK. */
    static Stream<Object[]> apps() {
        return Jdks.all().flatMap(java -> Stream.of(new Object[] {"logback", LogbackApp.class, java},
                new Object[] {"log4j", Log4jApp.class, java}));
    }

    @ParameterizedTest(name = "{0} on {2}")
    @MethodSource("apps")
    void agent_appWithItsOwnLoggingConfiguration_loggingUntouchedAndAgentLinesOnlyOnStderr(
            String framework, Class<?> appClass, Path java) throws Exception {
        String configDir = Path.of("target/test-classes/app-" + framework).toAbsolutePath().toString();
        String appName = appClass.getSimpleName();

        String baseline;
        try (JavaProcess plain = startApp(java, null, framework, configDir, appClass)) {
            int port = Integer.parseInt(plain.awaitOut("listening on (\\d+)", Duration.ofSeconds(30)));
            get(port, "/");
            baseline = get(port, "/report");
            assertThat(plain.stderr()).as(plain.describe()).isEmpty();
        }
        assertThat(baseline).as("the app's own configuration is in use")
                .contains("config ", "/app-" + framework + "/", "root-level INFO", "root-appenders APP")
                .doesNotContain("status-problem");

        Path dir = temp.resolve("registry");
        try (FileServiceRegistry registry = new FileServiceRegistry(dir);
             JavaProcess app = startApp(java, "service=" + framework + "app,registry=file:" + dir, framework,
                     configDir, appClass)) {
            int port = Integer.parseInt(app.awaitOut("listening on (\\d+)", Duration.ofSeconds(30)));
            awaitListed(() -> registry.instances(framework + "app"), port, true, app);
            get(port, "/");
            String report = get(port, "/report");

            assertThat(report).as("the app's logging after the agent registered, compared with a run without it")
                    .isEqualTo(baseline);
            List<String> loggers = Arrays.stream(report.split("\n")).filter(l -> l.startsWith("loggers "))
                    .flatMap(l -> Arrays.stream(l.substring("loggers ".length()).split(","))).toList();
            assertThat(loggers).as("only the root and the app's own logger (with logback, its parents); none of the "
                    + "agent's").isNotEmpty().allMatch(name -> name.isEmpty() || name.equals("ROOT")
                            || appClass.getName().equals(name) || appClass.getName().startsWith(name + "."));

            assertThat(app.stdout()).as("the app's stdout: its own log lines in its own format\n" + app.describe())
                    .contains("APPLOG INFO " + appName + " - app logging works", "APPLOG INFO " + appName
                            + " - served /")
                    .allMatch(l -> l.startsWith("APPLOG INFO " + appName + " - ") || l.matches("listening on \\d+"));
            assertThat(app.stderr()).as("the agent's stderr: its own lines only\n" + app.describe())
                    .anyMatch(l -> AgentLines.message(l).filter(m -> m.startsWith("registered service=" + framework
                            + "app")).isPresent())
                    .allMatch(AgentLines::isWellFormed);
            JvmOutput.assertNoWarnings(app);
        }
    }
}
