package dev.beacon.agent.it;

import dev.beacon.registry.Registries;
import dev.beacon.registry.ServiceRegistry;
import dev.beacon.registry.redis.RedisServers;
import dev.beacon.testing.JavaProcess;
import dev.beacon.testing.Jdks;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The agent starts no JVM subsystem the app did not start itself: no {@code java.util.logging}, JMX / platform
 * MBean server / {@code java.lang.management}, AWT, JFR, RMI or JNDI classes (an early {@code LogManager} or
 * platform MBean server breaks apps that install their own, WildFly-style). {@link QuietApp} runs on every JDK of
 * {@link Jdks#all()} with {@code -Xlog:class+load} into a file, once without the agent and once with it, registering
 * in a file registry and in a real Redis; the log is read after the agent registered the app (without the agent:
 * just as long after the app listens), and the classes of those subsystems loaded in both runs must be the same.
 * With the agent, none of them may load before the app's main class either.
 *
 * <p>One exemption: the exception classes of {@code javax.management}. The Redis registry's commons-pool2 names them
 * in its method signatures, so the class verifier loads them; loading them starts nothing (the pool's JMX
 * registration is switched off), while starting JMX loads {@code ManagementFactory}, {@code MBeanServerFactory} and
 * {@code com.sun.jmx.*}, which are not exempt.
 *
 * <p>And the symptom itself: {@link WildFlyStyleApp} installs its own {@code LogManager} and MBean server builder
 * after the agent registered it, and must get them.
 */
class JvmSubsystemsIT {

    /** Packages of the subsystems an agent must leave to the app. */
    static final List<String> SUBSYSTEMS = List.of("java.util.logging.", "sun.util.logging.", "jdk.internal.logger.",
            "java.lang.management.", "sun.management.", "com.sun.management.", "jdk.internal.management.",
            "javax.management.", "com.sun.jmx.", "java.awt.", "sun.awt.", "sun.java2d.", "javax.swing.", "jdk.jfr.",
            "java.rmi.", "sun.rmi.", "javax.naming.", "com.sun.jndi.");

    private static final Pattern LOADED = Pattern.compile("\\[class,load\\s*] (\\S+) source: ");

    /** Loaded by the verifier for commons-pool2's signatures; they start nothing (see the class comment). */
    private static final Pattern EXEMPT = Pattern.compile("javax\\.management\\.[A-Za-z]*Exception");

    @RegisterExtension
    static RedisServers redis = new RedisServers();

    @TempDir
    Path temp;

    /** Registry kind (file, redis) on every JDK. */
    static Stream<Arguments> registries() {
        return Jdks.all().flatMap(java -> Stream.of(Arguments.of("file", java), Arguments.of("redis", java)));
    }

    /** The subsystem classes the log names, in load order, and where the app's main class came in (-1: not yet). */
    record Loaded(List<String> subsystemClasses, int beforeMain) {
        Set<String> set() {
            return new TreeSet<>(subsystemClasses);
        }
    }

    static Loaded read(Path log) throws IOException {
        List<String> classes = new ArrayList<>();
        int beforeMain = -1;
        for (String line : Files.readAllLines(log)) {
            Matcher matcher = LOADED.matcher(line);
            if (!matcher.find()) {
                continue;
            }
            String name = matcher.group(1);
            if (name.equals(QuietApp.class.getName()) && beforeMain < 0) {
                beforeMain = classes.size();
            }
            if (SUBSYSTEMS.stream().anyMatch(name::startsWith) && !EXEMPT.matcher(name).matches()) {
                classes.add(name);
            }
        }
        return new Loaded(List.copyOf(classes), beforeMain);
    }

    private JavaProcess start(Path java, Path log, String agentArgs) throws IOException {
        List<String> args = new ArrayList<>();
        args.add("-Xlog:class+load=info:file=" + log);
        if (agentArgs != null) {
            args.add("-javaagent:" + AgentIT.AGENT_JAR.toAbsolutePath() + "=" + agentArgs);
        }
        args.addAll(List.of("-cp", Path.of("target/test-classes").toAbsolutePath().toString(),
                QuietApp.class.getName()));
        return JavaProcess.start(java, args);
    }

    @ParameterizedTest(name = "{0} registry on {1}")
    @MethodSource("registries")
    void agent_afterRegistering_loadedNoLoggingJmxAwtJfrClassesTheAppDidNot(String kind, Path java) throws Exception {
        Path plainLog = temp.resolve("plain.log");
        Path agentLog = temp.resolve("agent.log");
        String uri = kind.equals("redis") ? redis.standalone().uri() : "file:" + temp.resolve("registry");

        long waitedMillis;
        Loaded withAgent;
        try (ServiceRegistry registry = Registries.open(uri);
             JavaProcess app = start(java, agentLog, "service=quiet,registry=" + uri)) {
            int port = Integer.parseInt(app.awaitOut("listening on (\\d+)", Duration.ofSeconds(30)));
            long listening = System.nanoTime();
            LibraryIsolationIT.awaitListed(() -> registry.instances("quiet"), port, true, app);
            Thread.sleep(500); // and whatever it does just after
            waitedMillis = (System.nanoTime() - listening) / 1_000_000;
            withAgent = read(agentLog);
            JvmOutput.assertNoWarnings(app);
        }

        Loaded plain;
        try (JavaProcess app = start(java, plainLog, null)) {
            app.awaitOut("listening on (\\d+)", Duration.ofSeconds(30));
            Thread.sleep(waitedMillis);
            plain = read(plainLog);
        }

        assertThat(plain.beforeMain()).as("the app's main class is in the plain log").isNotNegative();
        assertThat(withAgent.beforeMain()).as("the app's main class is in the agent's log").isNotNegative();
        assertThat(withAgent.set()).as("JVM subsystem classes loaded with the agent (%s registry, %s), compared with "
                + "without it", kind, java).isEqualTo(plain.set());
        assertThat(withAgent.subsystemClasses().subList(0, withAgent.beforeMain()))
                .as("JVM subsystem classes loaded before the app's main class, with the agent").isEmpty();
    }

    static Stream<Path> jdks() {
        return Jdks.all();
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void agent_afterRegistering_appInstallsItsOwnLogManagerAndMBeanServerBuilder(Path java) throws Exception {
        String uri = "file:" + temp.resolve("registry");
        try (ServiceRegistry registry = Registries.open(uri);
             JavaProcess app = JavaProcess.start(java, List.of(
                     "-javaagent:" + AgentIT.AGENT_JAR.toAbsolutePath() + "=service=wildfly,registry=" + uri,
                     "-cp", Path.of("target/test-classes").toAbsolutePath().toString(),
                     WildFlyStyleApp.class.getName()))) {
            int port = Integer.parseInt(app.awaitOut("listening on (\\d+)", Duration.ofSeconds(30)));
            LibraryIsolationIT.awaitListed(() -> registry.instances("wildfly"), port, true, app);
            app.process().getOutputStream().write("go\n".getBytes(StandardCharsets.UTF_8));
            app.process().getOutputStream().flush();
            assertThat(app.awaitOut("logmanager (\\S+)", Duration.ofSeconds(30))).as(app.describe())
                    .isEqualTo(WildFlyStyleApp.AppLogManager.class.getName());
            assertThat(app.awaitOut("mbeanserver built by the app: (\\S+)", Duration.ofSeconds(30)))
                    .as(app.describe()).isEqualTo("true");
            JvmOutput.assertNoWarnings(app);
        }
    }
}
