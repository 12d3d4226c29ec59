package dev.beacon.frameworks;

import dev.beacon.ServiceInstance;
import dev.beacon.Status;
import dev.beacon.registry.FileServiceRegistry;
import dev.beacon.testing.JavaProcess;
import dev.beacon.testing.Jdks;
import dev.beacon.testing.Prerequisite;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The agent on real frameworks, zero-code: each app runs in a child JVM with the real agent jar, a file registry in a
 * temporary directory, {@code health=auto}, and no {@code service=} or {@code port=}. For each: the service name the
 * app declares and its source on the agent's INFO line, the primary port (the app's own, whatever binds first), the
 * named extra ports, {@code health=auto} (STARTING until the framework's readiness endpoint passes, or UP at once
 * with one INFO line when the framework has none), and deregistration on SIGTERM. Every JDK of {@link Jdks#all()}
 * — Helidon SE 4 only those of version 21 or later (with none, or with its app not compiled for want of a JDK 21+
 * javac, its case is skipped with that reason, or fails under {@code -Dbeacon.jdk21.required=true}, as in CI).
 *
 * <p>A watcher reads the registry every 5 ms from before the app starts and records every instance it sees, so a
 * socket that was registered even briefly (the throwaway bind of the gRPC app) is caught.
 */
class FrameworksIT {

    static final Path AGENT_JAR = Path.of(System.getProperty("beacon.agent.jar", "../../agent/target/beacon-agent.jar"));
    static final Path BOOT_JAR = Path.of("../spring-boot-app/target/orders-app.jar");
    static final Path GRPC_APP = Path.of("../grpc-app/target");
    static final Path MICRONAUT_APP = Path.of("../micronaut-app/target");
    static final Path DROPWIZARD_APP = Path.of("../dropwizard-app/target");
    static final Path QUARKUS_JAR = Path.of("../quarkus-app/target/quarkus-app/quarkus-run.jar");
    static final Path BOOT4_JAR = Path.of("../spring-boot4-app/target/payments-app.jar");
    static final Path HELIDON_JAR = Path.of("../helidon-app/target/quotes.jar");
    /** Set (as .ci/run does) to fail, not skip, when no JDK 21+ compiled and runs the Helidon app. */
    static final String JDK21_REQUIRED = "beacon.jdk21.required";
    private static final Duration START_TIMEOUT = Duration.ofMinutes(2);
    private static final Queue<String> MATRIX = new ConcurrentLinkedQueue<>();
    private static final Pattern INFO = Pattern.compile("\\[beacon] \\S+ \\S+ (?:INFO|WARN) (.*)");

    enum Case {
        /** Name in BOOT-INF/classes/application.yml, overridden by the active profile's document; management port. */
        BOOT_YAML_PROFILE("orders", "spring.application.name in BOOT-INF/classes/application.yml"),
        /** ./application.properties outside the jar beats the jar's application.yml. */
        BOOT_PROPERTIES("billing", "spring.application.name in ./application.properties"),
        BOOT_ENV("inventory", "spring.application.name in SPRING_APPLICATION_NAME"),
        BOOT_COMMAND_LINE("shipping", "spring.application.name in --spring.application.name on the command line"),
        /** Spring Boot 4.0: the prod profile's document of BOOT-INF/classes/application.yml; management port. */
        BOOT4("payments", "spring.application.name in BOOT-INF/classes/application.yml"),
        /** Name and random port (-1) in application.yml on the class path; readiness at /health/readiness. */
        MICRONAUT("catalog", "micronaut.application.name in classpath:application.yml"),
        /** Built by quarkus-maven-plugin (fast-jar): application.properties in quarkus-app/app/*.jar, port 0. */
        QUARKUS("pricing", "quarkus.application.name in application.properties"),
        /** {@code server config.yml}: application and admin connectors on fixed ports; readiness is /healthcheck. */
        DROPWIZARD("ledger-application", "the main class dev.beacon.frameworks.dropwizard.LedgerApplication"),
        /** No declared name, no app jar: the main class's package and name (it is called Server). */
        GRPC("grpc-server", "the main class dev.beacon.frameworks.grpc.Server"),
        /**
         * Helidon SE 4 ({@code java -jar quotes.jar}, a thin jar with libs/): no name property, so the jar's name;
         * {@code server.port} is {@code http}, the named socket {@code admin} serves /observe/health/ready.
         */
        HELIDON("quotes", "the app's jar quotes.jar");

        final String service;
        final String source;

        Case(String service, String source) {
            this.service = service;
            this.source = source;
        }

        /** What the app answers on GET / (the gRPC app is not HTTP). */
        String body() {
            return switch (this) {
                case MICRONAUT -> "catalog";
                case QUARKUS -> "pricing";
                case DROPWIZARD -> "ledger";
                case BOOT4 -> "payments";
                case HELIDON -> "quotes";
                default -> "orders";
            };
        }
    }

    @TempDir
    Path temp;

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        boolean helidonJdk = false;
        for (Path java : Jdks.all().toList()) {
            for (Case c : Case.values()) {
                if (c != Case.HELIDON) {
                    cases.add(Arguments.of(c, java));
                } else if (featureVersion(java) >= 21) {
                    cases.add(Arguments.of(c, java));
                    helidonJdk = true;
                }
            }
        }
        if (!helidonJdk) { // the test itself says why: skipped with the reason, or failed when required
            cases.add(Arguments.of(Case.HELIDON, Jdks.current()));
        }
        return cases.stream();
    }

    /** The feature version of the JDK whose {@code bin/java} this is, from its {@code release} file; 0 if unknown. */
    static int featureVersion(Path java) {
        Path release = java.toAbsolutePath().getParent().getParent().resolve("release");
        try {
            Matcher m = Pattern.compile("JAVA_VERSION=\"(\\d+)").matcher(Files.readString(release));
            return m.find() ? Integer.parseInt(m.group(1)) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /** Skips (or, under {@link #JDK21_REQUIRED}, fails) unless the Helidon app was compiled and a JDK 21+ runs it. */
    private static void requireHelidon(Path java) {
        Path libs = HELIDON_JAR.resolveSibling("libs");
        Prerequisite.require(Files.isRegularFile(HELIDON_JAR) && Files.isDirectory(libs),
                "Helidon SE 4 needs a JDK 21+ compiler, and frameworks/helidon-app was not compiled (no " + libs
                        + "): run Maven with -Dbeacon.jdk21.home=<a JDK 21+ home>, or on a JDK 21+", JDK21_REQUIRED);
        Prerequisite.require(featureVersion(java) >= 21, "Helidon SE 4 runs on JDK 21+, and none of the test JDKs "
                + Jdks.all().toList() + " is one: add a JDK 21+ home to -Dbeacon.test.jdks", JDK21_REQUIRED);
    }

    @AfterAll
    static void printMatrix() {
        System.out.println("FrameworksIT matrix:\n" + String.join("\n", MATRIX));
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("cases")
    void agent_framework_registersDeclaredNameAndPortsAndGatesOnReadiness(Case c, Path java) throws Exception {
        assertThat(AGENT_JAR).as("the agent jar (mvn verify from the root builds agent first)").isRegularFile();
        Path registryDir = temp.resolve("registry");
        Path workDir = Files.createDirectories(temp.resolve("work"));
        List<String> args = new ArrayList<>(List.of("-XX:TieredStopAtLevel=1", "-javaagent:"
                + AGENT_JAR.toAbsolutePath() + "=registry=file:" + registryDir + ",host=127.0.0.1,health=auto,health-interval=200ms"));
        Map<String, String> env = new HashMap<>();
        int management = freePort();
        switch (c) {
            case BOOT_YAML_PROFILE -> args.addAll(List.of("-jar", BOOT_JAR.toAbsolutePath().toString(),
                    "--spring.profiles.active=prod", "--server.port=0", "--management.server.port=" + management,
                    "--orders.ready-delay-ms=3000"));
            case BOOT_PROPERTIES -> {
                Files.writeString(workDir.resolve("application.properties"), "spring.application.name=billing\n");
                args.addAll(List.of("-jar", BOOT_JAR.toAbsolutePath().toString(), "--server.port=0"));
            }
            case BOOT_ENV -> {
                env.put("SPRING_APPLICATION_NAME", "inventory");
                args.addAll(List.of("-jar", BOOT_JAR.toAbsolutePath().toString(), "--server.port=0"));
            }
            case BOOT_COMMAND_LINE -> args.addAll(List.of("-jar", BOOT_JAR.toAbsolutePath().toString(),
                    "--server.port=0", "--spring.application.name=shipping"));
            case MICRONAUT -> args.addAll(List.of("-cp", classPath(MICRONAUT_APP),
                    "dev.beacon.frameworks.micronaut.CatalogApplication"));
            case DROPWIZARD -> {
                Files.writeString(workDir.resolve("config.yml"), "server:\n  applicationConnectors:\n    - type: http\n"
                        + "      port: " + freePort() + "\n  adminConnectors:\n    - type: http\n      port: " + management
                        + "\n");
                args.addAll(List.of("-cp", classPath(DROPWIZARD_APP), "dev.beacon.frameworks.dropwizard.LedgerApplication",
                        "server", "config.yml"));
            }
            case QUARKUS -> args.addAll(List.of("-jar", QUARKUS_JAR.toAbsolutePath().toString()));
            case BOOT4 -> args.addAll(List.of("-jar", BOOT4_JAR.toAbsolutePath().toString(),
                    "--spring.profiles.active=prod", "--server.port=0", "--management.server.port=" + management,
                    "--payments.ready-delay-ms=2000"));
            case HELIDON -> {
                requireHelidon(java);
                // Helidon reads ./application.yaml instead of the one in its jar: the same keys, on free ports
                Files.writeString(workDir.resolve("application.yaml"), "server:\n  port: " + freePort()
                        + "\n  sockets:\n    - name: admin\n      port: " + management
                        + "\n  features:\n    observe:\n      sockets: [ \"admin\" ]\n"
                        + "quotes:\n  ready-delay-ms: 2000\n");
                args.addAll(List.of("-jar", HELIDON_JAR.toAbsolutePath().toString()));
            }
            case GRPC -> args.addAll(List.of("-cp", classPath(GRPC_APP), "dev.beacon.frameworks.grpc.Server"));
        }
        List<ServiceInstance> seen = new CopyOnWriteArrayList<>();
        long started = System.nanoTime();
        try (FileServiceRegistry reader = new FileServiceRegistry(registryDir);
             Watcher watcher = new Watcher(reader, c.service, seen)) {
            watcher.start();
            try (JavaProcess app = JavaProcess.start(java, args, workDir, env)) {
                String nameLine = awaitAgentLine(app, "service=" + c.service + " (", START_TIMEOUT);
                assertThat(nameLine).isEqualTo("service=" + c.service + " (" + c.source + ")");

                ServiceInstance up = awaitStatus(seen, Status.UP, START_TIMEOUT, app);
                int appPort;
                String latency = "";
                if (c == Case.GRPC) {
                    appPort = Integer.parseInt(app.awaitOut("grpc: listening (\\d+)", START_TIMEOUT));
                    // first registration: includes the agent's own start (config, class path, registry)
                    long listeningAt = Long.parseLong(app.awaitOut("grpc: listening \\d+ at (\\d+)", START_TIMEOUT));
                    // the agent writes the registry, then its log line: the watch above may see UP first (CI did)
                    long first = awaitRegisteredAt(app, appPort) - listeningAt;
                    // a server started once the agent runs: the serving rule's latency alone
                    int second = Integer.parseInt(app.awaitOut("grpc: second (\\d+)", START_TIMEOUT));
                    long secondAt = Long.parseLong(app.awaitOut("grpc: second \\d+ at (\\d+)", START_TIMEOUT));
                    long later = awaitRegisteredAt(app, second) - secondAt;
                    latency = ", registered " + first + " ms after start() returned (agent starting), second server "
                            + later + " ms after";
                    // grpc-netty-shaded binds through its native epoll transport, loaded after the hooks were woven: the
                    // /proc scan finds the first server, and the agent then weaves Netty's native socket, so the second
                    // server's listen is handed over at once (milliseconds; the next scan would take up to 10 s)
                    assertThat(later).as("the second server registered by the hook, not by a later /proc scan")
                            .isLessThan(1_000);
                    // the agent's line comes first; the registry reader here polls every 5 ms (CI once asserted
                    // between the two and failed, with the instance in the list it printed)
                    awaitSeen(seen, i -> Integer.valueOf(second).equals(i.ports().get("grpc")), Duration.ofSeconds(5),
                            "the second server's port named by what bound it (grpc-java, in its stack)");
                    int throwaway = Integer.parseInt(app.awaitOut("grpc: throwaway (\\d+)", START_TIMEOUT));
                    assertThat(seen).as("the throwaway socket was never registered")
                            .noneMatch(i -> i.port() == throwaway || i.ports().containsValue(throwaway));
                    assertThat(String.join("\n", agentLines(app)))
                            .contains("health=auto: this gRPC app has no readiness endpoint the agent knows");
                    assertThat(seen).as("UP at once: no readiness endpoint").allMatch(i -> i.status() == Status.UP);
                } else {
                    assertThat(get(up.port(), "/")).isEqualTo(c.body());
                    appPort = up.port();
                    assertThat(seen.get(0).status()).as("registered STARTING until Actuator's readiness passes")
                            .isEqualTo(Status.STARTING);
                }
                assertThat(up.port()).isEqualTo(appPort);
                if (c == Case.BOOT_YAML_PROFILE || c == Case.BOOT4 || c == Case.DROPWIZARD || c == Case.HELIDON) {
                    assertThat(seen).as("never registered at its management/admin port, whatever the bind order")
                            .noneMatch(i -> i.port() == management);
                }
                if (c == Case.DROPWIZARD) {
                    assertThat(up.ports()).containsEntry("admin", management);
                    assertThat(String.join("\n", agentLines(app))).contains(
                            "health=auto: probing Dropwizard's readiness endpoint http://127.0.0.1:" + management
                                    + "/healthcheck");
                }
                if (c == Case.BOOT_YAML_PROFILE || c == Case.BOOT4) {
                    assertThat(up.ports()).containsEntry("management", management);
                    assertThat(String.join("\n", agentLines(app))).contains(
                            "health=auto: probing Spring Boot's readiness endpoint http://127.0.0.1:" + management
                                    + "/actuator/health/readiness");
                }
                if (c == Case.HELIDON) {
                    int http = Integer.parseInt(app.awaitOut("quotes: listening (\\d+)", START_TIMEOUT));
                    assertThat(up.port()).as("the default socket, server.port").isEqualTo(http);
                    assertThat(up.ports()).as("the named socket under its name").containsEntry("admin", management);
                    assertThat(String.join("\n", agentLines(app))).contains(
                            "health=auto: probing Helidon's readiness endpoint http://127.0.0.1:" + management
                                    + "/observe/health/ready");
                }
                long upMillis = (System.nanoTime() - started) / 1_000_000;

                app.terminate(Duration.ofSeconds(30));
                assertThat(reader.instances(c.service)).as("deregistered on SIGTERM").isEmpty();
                assertThat(String.join("\n", agentLines(app))).contains("deregistered service=" + c.service);
                assertThat(String.join("\n", app.stderr())).doesNotContain(" WARN ", " ERROR ");
                MATRIX.add(String.format("%-18s %-24s %s port %d ports %s, UP after %d ms%s", c, java.getParent()
                        .getParent().getFileName(), c.service, up.port(), up.ports(), upMillis, latency));
            }
        }
    }

    /** An app module's classes and the jars copied to its target/lib/. */
    private static String classPath(Path target) {
        return target.resolve("classes").toAbsolutePath() + File.pathSeparator + target.resolve("lib").toAbsolutePath()
                + File.separator + "*";
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static List<String> agentLines(JavaProcess app) {
        List<String> lines = new ArrayList<>();
        for (List<String> stream : List.of(app.stderr(), app.stdout())) {
            for (String line : stream) {
                Matcher m = INFO.matcher(line);
                if (m.find()) {
                    lines.add(m.group(1));
                }
            }
        }
        return lines;
    }

    /** Waits for {@link #registeredAt}. */
    private static long awaitRegisteredAt(JavaProcess app, int port) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                return registeredAt(app, port);
            } catch (AssertionError notYet) {
                Thread.sleep(20);
            }
        }
        return registeredAt(app, port);
    }

    /** When the agent's first "registered service=" line naming {@code port} was written (epoch millis, local time). */
    private static long registeredAt(JavaProcess app, int port) {
        Pattern registered = Pattern.compile("\\[beacon] (\\S+ \\S+) INFO registered service=");
        for (String line : app.stderr()) {
            Matcher m = registered.matcher(line);
            if (m.find() && line.matches(".*[:=]" + port + "\\b.*")) {
                return java.time.LocalDateTime.parse(m.group(1).replace(' ', 'T')).atZone(java.time.ZoneId.systemDefault())
                        .toInstant().toEpochMilli();
            }
        }
        throw new AssertionError("no registered line in " + app.stderr());
    }

    private static String awaitAgentLine(JavaProcess app, String prefix, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (String line : agentLines(app)) {
                if (line.startsWith(prefix)) {
                    return line;
                }
            }
            if (!app.process().isAlive()) {
                break;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no agent line starting with '" + prefix + "'\nstdout:\n"
                + String.join("\n", app.stdout()) + "\nstderr:\n" + String.join("\n", app.stderr()));
    }

    /** Waits until an instance that matches {@code wanted} was seen; fails naming {@code what} after {@code timeout}. */
    private static void awaitSeen(List<ServiceInstance> seen, java.util.function.Predicate<ServiceInstance> wanted,
                                  Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (seen.stream().noneMatch(wanted)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not seen within " + timeout + "; seen " + seen);
            }
            Thread.sleep(20);
        }
    }

    private static ServiceInstance awaitStatus(List<ServiceInstance> seen, Status status, Duration timeout,
                                               JavaProcess app) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (ServiceInstance instance : seen) {
                if (instance.status() == status) {
                    return instance;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("never " + status + "; seen " + seen + "\nstderr:\n" + String.join("\n", app.stderr()));
    }

    private static String get(int port, String path) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + path).toURL()
                .openConnection();
        try (InputStream in = connection.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } finally {
            connection.disconnect();
        }
    }

    /** Reads the registry every 5 ms and records each instance that differs from the last one recorded. */
    private static final class Watcher extends Thread implements AutoCloseable {
        private final FileServiceRegistry reader;
        private final String service;
        private final List<ServiceInstance> seen;
        private volatile boolean stop;

        Watcher(FileServiceRegistry reader, String service, List<ServiceInstance> seen) {
            super("registry-watcher");
            setDaemon(true);
            this.reader = reader;
            this.service = service;
            this.seen = seen;
        }

        @Override
        public void run() {
            while (!stop) {
                try {
                    for (ServiceInstance instance : reader.instances(service)) {
                        if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(instance)) {
                            seen.add(instance);
                        }
                    }
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    // a file being replaced: read again
                }
            }
        }

        @Override
        public void close() {
            stop = true;
            try {
                join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
