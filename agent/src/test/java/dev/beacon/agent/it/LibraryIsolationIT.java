package dev.beacon.agent.it;

import dev.beacon.agent.logging.AgentLines;
import dev.beacon.ServiceInstance;
import dev.beacon.registry.FileServiceRegistry;
import dev.beacon.registry.ServiceRegistry;
import dev.beacon.registry.redis.RedisServer;
import dev.beacon.registry.redis.RedisServers;
import dev.beacon.registry.redis.RedisServiceRegistry;
import dev.beacon.testing.JavaProcess;
import dev.beacon.testing.Jdks;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Apps that ship their own copies of the libraries the agent is built on, other versions than the agent's, and use
 * them while the agent is attached: Byte Buddy (making classes at run time) and Jedis (on the same Redis the agent
 * registers in). Each app runs on its own class path of the test classes plus its libraries from
 * {@code target/app-libs/<name>} (copied there by agent/pom.xml; never on this JVM's class path), with the real agent
 * jar, on every JDK of {@link Jdks#all()}. The app must work unchanged, the agent must register it, and neither may
 * print a warning. (Old Jackson and SLF4J 1.7: {@code AgentIT}; logging frameworks: {@link LoggingIsolationIT}.)
 */
class LibraryIsolationIT {

    static final Path APP_LIBS = Path.of(System.getProperty("beacon.app.libs", "target/app-libs"));

    @RegisterExtension
    static RedisServers redis = new RedisServers();

    @TempDir
    Path temp;

    static Stream<Path> jdks() {
        return Jdks.all();
    }

    /**
     * Starts {@code mainClass} with the agent ({@code agentArgs}; null: without it), on {@code extraClasspath} (may be
     * null), the test classes and the jars in app-libs/{@code libs}.
     */
    static JavaProcess startApp(Path java, String agentArgs, String libs, String extraClasspath, Class<?> mainClass,
                                String... appArgs) throws Exception {
        Path libDir = APP_LIBS.resolve(libs).toAbsolutePath();
        assertThat(libDir).as("copied by the dependency plugin in pre-integration-test").isDirectory();
        String classpath = (extraClasspath == null ? "" : extraClasspath + File.pathSeparator)
                + Path.of("target/test-classes").toAbsolutePath() + File.pathSeparator + libDir + File.separator + "*";
        List<String> args = new ArrayList<>();
        if (agentArgs != null) {
            args.add("-javaagent:" + AgentIT.AGENT_JAR.toAbsolutePath() + "=" + agentArgs);
        }
        args.addAll(List.of("-cp", classpath, mainClass.getName()));
        args.addAll(List.of(appArgs));
        return JavaProcess.start(java, args);
    }

    static String get(int port, String path) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.body();
    }

    /** Waits until {@code instances} includes one on {@code port} (true) or no longer does (false), at most 10 s. */
    static void awaitListed(Supplier<List<ServiceInstance>> instances, int port, boolean listed, JavaProcess app)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            if (instances.get().stream().anyMatch(i -> i.port() == port) == listed) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("port " + port + (listed ? " not registered" : " still registered")
                + " within 10 s\n" + app.describe());
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void agent_appWithItsOwnOlderByteBuddy_makesClassesWhileTheAgentIsAttached(Path java) throws Exception {
        Path dir = temp.resolve("registry");
        try (FileServiceRegistry registry = new FileServiceRegistry(dir);
             JavaProcess app = startApp(java, "service=bytebuddy,registry=file:" + dir, "bytebuddy", null,
                     ByteBuddyApp.class)) {
            int port = Integer.parseInt(app.awaitOut("listening on (\\d+)", Duration.ofSeconds(30)));
            assertThat(app.stdout()).as(app.describe())
                    .anyMatch(l -> l.matches("bytebuddy file:.*/app-libs/bytebuddy/byte-buddy-[0-9.]+\\.jar"))
                    .contains("made made by the app's Byte Buddy #1");
            awaitListed(() -> registry.instances("bytebuddy"), port, true, app);
            // after the agent registered: the app's Byte Buddy still makes and loads classes
            assertThat(get(port, "/")).isEqualTo("made by the app's Byte Buddy #2");
            assertThat(get(port, "/")).isEqualTo("made by the app's Byte Buddy #3");
            assertThat(AgentLines.messages(app.stderr())).as(app.describe())
                    .anyMatch(m -> m.startsWith("registered service=bytebuddy"));
            JvmOutput.assertNoWarnings(app);
            assertThat(app.stderr()).as(app.describe()).noneMatch(l -> l.contains("Exception"));
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void agentOnRedis_appWithItsOwnOlderJedisOnTheSameRedis_bothWork(Path java) throws Exception {
        RedisServer server = redis.standalone();
        try (ServiceRegistry registry = RedisServiceRegistry.open(server.uri());
             JavaProcess app = startApp(java, "service=jedisapp,registry=" + server.uri(), "jedis", null,
                     JedisApp.class, Integer.toString(server.port()))) {
            int port = Integer.parseInt(app.awaitOut("listening on (\\d+)", Duration.ofSeconds(30)));
            assertThat(app.stdout()).as(app.describe())
                    .anyMatch(l -> l.matches("jedis file:.*/app-libs/jedis/jedis-[0-9.]+\\.jar"))
                    .contains("redis PONG");
            awaitListed(() -> registry.instances("jedisapp"), port, true, app);
            assertThat(get(port, "/")).isEqualTo("hits 1");
            assertThat(get(port, "/")).isEqualTo("hits 2");
            assertThat(server.command("GET", "app:hits")).as("the app's own key, written by its own Jedis")
                    .isEqualTo("2");
            assertThat(app.terminate(Duration.ofSeconds(20))).isIn(0, 143);
            assertThat(registry.instances("jedisapp")).as("deregistered on SIGTERM\n" + app.describe()).isEmpty();
            JvmOutput.assertNoWarnings(app);
            assertThat(app.stderr()).as(app.describe()).noneMatch(l -> l.contains("Exception") || l.contains("SLF4J"));
        }
    }
}
