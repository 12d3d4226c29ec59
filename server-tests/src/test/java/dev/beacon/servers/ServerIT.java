package dev.beacon.servers;

import org.opentest4j.TestAbortedException;
import dev.beacon.testing.Prerequisite;
import dev.beacon.testing.JavaProcess;
import dev.beacon.testing.Jdks;
import dev.beacon.ServiceInstance;
import dev.beacon.Status;
import dev.beacon.registry.FileServiceRegistry;
import dev.beacon.servers.apps.AsynchronousServerSocketChannelApp;
import dev.beacon.servers.apps.JdkHttpServerApp;
import dev.beacon.servers.apps.JettyApp;
import dev.beacon.servers.apps.NettyApp;
import dev.beacon.servers.apps.ServerSocketApp;
import dev.beacon.servers.apps.ServerSocketChannelApp;
import dev.beacon.servers.apps.TomcatApp;
import dev.beacon.servers.apps.boot.BootApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The agent on real servers: each app of {@code dev.beacon.servers.apps} runs in a child JVM with the built agent
 * jar and only its own server's jars on the class path, on a port the system chooses (0) and on a fixed free port.
 * The port the app prints (asked of its server) must be the registered port within 5 s of that line, the server
 * must answer HTTP 200 on it, and a SIGTERM must deregister it. A summary matrix with timings is printed at the end.
 */
class ServerIT {

    static final Path AGENT_JAR = Path.of(System.getProperty("beacon.agent.jar", "../agent/target/beacon-agent.jar"));
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration REGISTER_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(30);
    private static final Queue<String> MATRIX = new ConcurrentLinkedQueue<>();
    /** An agent line: {@code [beacon] 2026-12-05 14:31:51.123 INFO message} (group 1 the level, 2 the message). */
    private static final Pattern AGENT_LINE = Pattern.compile(
            "\\[beacon] \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}\\.\\d{3} (ERROR|WARN|INFO|DEBUG|TRACE) (.*)");

    /** The server apps, the jars each needs (by file-name prefix) and its arguments before the port. */
    enum App {
        SERVER_SOCKET("server-socket", ServerSocketApp.class, List.of(), List.of()),
        NIO_IPV4("nio-ipv4", ServerSocketChannelApp.class, List.of("ipv4"), List.of()),
        NIO_IPV6("nio-ipv6", ServerSocketChannelApp.class, List.of("ipv6"), List.of()),
        NIO2("nio2", AsynchronousServerSocketChannelApp.class, List.of(), List.of()),
        JDK_HTTP_SERVER("jdk-http", JdkHttpServerApp.class, List.of(), List.of()),
        JETTY("jetty", JettyApp.class, List.of(), List.of("jetty-", "slf4j-api-")),
        TOMCAT("tomcat", TomcatApp.class, List.of(), List.of("tomcat-embed-core-", "tomcat-annotations-api-")),
        NETTY_NIO("netty-nio", NettyApp.class, List.of("nio"), List.of("netty-")),
        NETTY_EPOLL("netty-epoll", NettyApp.class, List.of("epoll"), List.of("netty-")),
        SPRING_BOOT("spring-boot", BootApp.class, List.of(), List.of("spring-", "logback-", "log4j-",
                "jul-to-slf4j-", "slf4j-api-", "jakarta.annotation-api-", "snakeyaml-", "jackson-", "tomcat-",
                "micrometer-"));

        final String service;
        final Class<?> main;
        final List<String> args;
        final List<String> jarPrefixes;

        App(String service, Class<?> main, List<String> args, List<String> jarPrefixes) {
            this.service = service;
            this.main = main;
            this.args = args;
            this.jarPrefixes = jarPrefixes;
        }

        boolean ipv6Loopback() {
            return this == NIO_IPV6;
        }
    }

    enum PortMode { ANY, FIXED }

    @TempDir
    Path temp;

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        List<Path> jdks = Jdks.all().toList();
        for (Path java : jdks) {
            for (App app : App.values()) {
                cases.add(Arguments.of(app, PortMode.ANY, java));
            }
        }
        // A fixed port takes the same code path in every server: once, on the JDK running the tests.
        for (App app : App.values()) {
            cases.add(Arguments.of(app, PortMode.FIXED, Jdks.current()));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} on port {1}, {2}")
    @MethodSource("cases")
    void agent_realServer_registersTheRealPortAndDeregistersOnSigterm(App app, PortMode mode, Path java)
            throws Exception {
        if (app.ipv6Loopback()) {
            try {
                Prerequisite.requireIpv6Loopback(app.service);
            } catch (TestAbortedException skipped) {
                MATRIX.add(String.format("%-13s %-5s %-24s SKIPPED %s", app.service, mode, jdkName(java),
                        skipped.getMessage()));
                throw skipped;
            }
        }
        assertThat(AGENT_JAR).as("the agent jar; build it first (mvn verify from the root builds agent before "
                + "server-tests)").isRegularFile();
        Path registryDir = temp.resolve("registry");
        int fixedPort = mode == PortMode.FIXED ? freePort(app) : 0;
        List<String> command = new ArrayList<>(List.of(
                // C1 only: halves Spring Boot's startup on two busy cores; nothing the agent does depends on the JIT
                "-XX:TieredStopAtLevel=1",
                "-javaagent:" + AGENT_JAR.toAbsolutePath() + "=service=" + app.service + ",registry=file:"
                        + registryDir,
                "-cp", classpath(app), app.main.getName()));
        command.addAll(app.args);
        command.add(Integer.toString(fixedPort));

        long startedAt = System.nanoTime();
        try (JavaProcess process = JavaProcess.start(java, command, temp);
             FileServiceRegistry registry = new FileServiceRegistry(registryDir)) {
            if (app == App.NETTY_EPOLL) {
                String epoll = process.awaitOut("epoll available: (.*)", START_TIMEOUT);
                assertThat(epoll).as("Netty's native epoll transport must work on this machine (the test never "
                        + "falls back to NIO)\n" + process.describe()).isEqualTo("true");
            }
            int port = Integer.parseInt(process.awaitOut("listening on (\\d+)", START_TIMEOUT));
            long listeningAt = System.nanoTime();
            if (mode == PortMode.FIXED) {
                assertThat(port).as("the app's own report of its port").isEqualTo(fixedPort);
            }
            if (app == App.NETTY_EPOLL) {
                assertThat(process.stdout()).as(process.describe())
                        .anyMatch(line -> line.endsWith("transport EpollServerSocketChannel"));
            }

            ServiceInstance instance = awaitInstance(registry, app.service, process);
            long registeredAt = System.nanoTime();
            assertThat(instance.port()).as("registered port vs the port the server listens on\n"
                    + process.describe()).isEqualTo(port);
            assertThat(instance.ports()).as("other ports registered\n" + process.describe()).isEmpty();
            assertThat(instance.status()).isEqualTo(Status.UP);
            if (app.ipv6Loopback()) {
                assertThat(InetAddress.getByName(instance.host())).as("registered host")
                        .isEqualTo(InetAddress.getByName("::1"));
            }
            // A loopback listener is reached at the registered address; a wildcard one through 127.0.0.1 (tests
            // send traffic to this machine's loopback only).
            HttpResponse<String> response = get("http://"
                    + (app.ipv6Loopback() ? instance.address() : "127.0.0.1:" + port) + "/");
            assertThat(response.statusCode()).as(process.describe()).isEqualTo(200);
            assertThat(response.body()).startsWith("hello");

            long sigtermAt = System.nanoTime();
            int exitCode = process.terminate(EXIT_TIMEOUT);
            long exitedAt = System.nanoTime();
            assertThat(registry.instances(app.service)).as("still registered after SIGTERM\n" + process.describe())
                    .isEmpty();
            assertThat(process.stderr()).as(process.describe())
                    .anyMatch(line -> agentLine(line, "INFO")
                            .startsWith("deregistered service=" + app.service))
                    .noneMatch(line -> line.startsWith("[beacon]") && !AGENT_LINE.matcher(line).matches())
                    .noneMatch(line -> !agentLine(line, "WARN|ERROR").isEmpty());

            MATRIX.add(String.format("%-13s %-5s %-24s port %5d registered %5d host %-15s extra %-4s "
                            + "start→listening %5d ms  listening→registered %4d ms  SIGTERM→exit %4d ms (exit %d), "
                            + "deregistered",
                    app.service, mode, jdkName(java), port, instance.port(), instance.host(),
                    instance.ports().isEmpty() ? "none" : instance.ports(), millis(startedAt, listeningAt),
                    millis(listeningAt, registeredAt), millis(sigtermAt, exitedAt), exitCode));
        }
    }

    @AfterAll
    static void printMatrix() {
        System.out.println("\nServer × result (registered port == real port, deregistered on SIGTERM):");
        MATRIX.forEach(System.out::println);
        System.out.println();
    }

    private static ServiceInstance awaitInstance(FileServiceRegistry registry, String service, JavaProcess process)
            throws InterruptedException {
        long deadline = System.nanoTime() + REGISTER_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            List<ServiceInstance> instances = registry.instances(service);
            if (!instances.isEmpty()) {
                assertThat(instances).as("one app, one instance").hasSize(1);
                return instances.get(0);
            }
            Thread.sleep(20);
        }
        throw new AssertionError(service + " was not registered within " + REGISTER_TIMEOUT
                + " of its 'listening on' line\n" + process.describe());
    }

    /**
     * This module's test classes plus the jars {@code app} needs, taken from the test class path by file-name prefix,
     * so an app never sees another app's server (nor JUnit, nor Beacon).
     */
    private static String classpath(App app) throws Exception {
        List<String> entries = new ArrayList<>();
        entries.add(Path.of(ServerIT.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
        String[] testClasspath = System.getProperty("java.class.path").split(File.pathSeparator);
        for (String prefix : app.jarPrefixes) {
            int before = entries.size();
            for (String entry : testClasspath) {
                String name = Path.of(entry).getFileName().toString();
                if (name.endsWith(".jar") && name.startsWith(prefix) && !entries.contains(entry)) {
                    entries.add(entry);
                }
            }
            assertThat(entries.size()).as("jars named " + prefix + "* on the test class path "
                    + String.join(File.pathSeparator, testClasspath)).isGreaterThan(before);
        }
        return String.join(File.pathSeparator, entries);
    }

    /** A port free right now, on the address family the app binds. */
    private static int freePort(App app) throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName(app.ipv6Loopback() ? "::1" : "0.0.0.0"), 0));
            return socket.getLocalPort();
        }
    }

    private static HttpResponse<String> get(String uri) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        return client.send(HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String jdkName(Path java) {
        Path home = java.getParent().getParent();
        Path release = home.resolve("release");
        try {
            for (String line : Files.readAllLines(release)) {
                if (line.startsWith("JAVA_VERSION=")) {
                    return "JDK " + line.substring("JAVA_VERSION=".length()).replace("\"", "");
                }
            }
        } catch (IOException e) {
            // no release file: the directory's name will do
        }
        return home.getFileName().toString();
    }

    private static long millis(long from, long to) {
        return (to - from) / 1_000_000;
    }

    /** The message of an agent line at one of {@code levels} (a regex alternation); "" for any other line. */
    private static String agentLine(String line, String levels) {
        Matcher m = AGENT_LINE.matcher(line);
        return m.matches() && m.group(1).matches(levels) ? m.group(2) : "";
    }
}
