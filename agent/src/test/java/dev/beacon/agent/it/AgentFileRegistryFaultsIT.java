package dev.beacon.agent.it;

import dev.beacon.agent.logging.AgentLines;
import dev.beacon.testing.Prerequisite;
import dev.beacon.ServiceInstance;
import dev.beacon.registry.FileServiceRegistry;
import dev.beacon.testing.JavaProcess;
import dev.beacon.testing.Jdks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The agent on a file registry that cannot be written — a full file system, a read-only one, a directory others may
 * write — in a real JVM running the sample app: the agent logs one clear line, the app keeps serving, readers go on
 * serving what was registered before, and once the fault is repaired the agent registers without a restart. The full and read-only file systems are small tmpfs
 * mounts, so those two tests need root (CI runs as root); elsewhere they are skipped saying so.
 */
class AgentFileRegistryFaultsIT {

    @TempDir
    Path temp;

    @Test
    void agent_registryFileSystemFull_logsOneLineKeepsServingAndRegistersOnceThereIsSpace() throws Exception {
        Path mount = mountTmpfs("size=64k");
        try {
            Path registry = Files.createDirectory(mount.resolve("registry"), PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------")));
            registerSurvivor(registry);
            Path filler = mount.resolve("filler");
            fill(filler);

            runFaultThenRepair(registry, "No space left on device", () -> Files.delete(filler));
        } finally {
            unmount(mount);
        }
    }

    @Test
    void agent_registryFileSystemReadOnly_logsOneLineKeepsServingAndRegistersOnceWritable() throws Exception {
        Path mount = mountTmpfs("size=64k");
        try {
            Path registry = Files.createDirectory(mount.resolve("registry"), PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------")));
            registerSurvivor(registry);
            run("mount", "-o", "remount,ro", mount.toString());

            runFaultThenRepair(registry, "Read-only file system",
                    () -> run("mount", "-o", "remount,rw", mount.toString()));
        } finally {
            unmount(mount);
        }
    }

    @Test
    void agent_registryDirectoryWritableByOthers_logsOneLineNamingTheFixAndKeepsServing() throws Exception {
        Path registry = Files.createDirectory(temp.resolve("registry"));
        Files.setPosixFilePermissions(registry, PosixFilePermissions.fromString("rwxrwxrwx"));

        runFaultThenRepair(registry, "is writable by other users (rwxrwxrwx); make it private with: chmod 700 "
                + registry, () -> Files.setPosixFilePermissions(registry, PosixFilePermissions.fromString("rwx------")));
    }

    /** An entry written before the fault, which readers must go on serving. */
    private static final ServiceInstance SURVIVOR = ServiceInstance.builder("survivor").id("s-1").host("10.0.0.5")
            .port(8080).build();

    private static void registerSurvivor(Path registry) {
        try (FileServiceRegistry writer = new FileServiceRegistry(registry)) {
            writer.register(SURVIVOR, Duration.ofMinutes(10));
        }
    }

    @FunctionalInterface
    private interface Repair {
        void run() throws Exception;
    }

    /**
     * Starts the sample app with the agent on {@code registry}; checks the one warning naming {@code problem}, that
     * the app serves while the registry is broken, then repairs it and waits for the registration.
     */
    private static void runFaultThenRepair(Path registry, String problem, Repair repair) throws Exception {
        try (FileServiceRegistry reader = new FileServiceRegistry(registry)) {
            runFaultThenRepair(registry, problem, repair, reader);
        }
    }

    private static void runFaultThenRepair(Path registry, String problem, Repair repair, FileServiceRegistry reader)
            throws Exception {
        try (JavaProcess app = JavaProcess.start(Jdks.current(), List.of(
                "-javaagent:" + AgentIT.AGENT_JAR.toAbsolutePath() + "=service=faulty,ttl=3s,registry=file:" + registry,
                "-jar", AgentIT.SAMPLE_JAR.toAbsolutePath().toString()))) {
            int port = Integer.parseInt(app.awaitOut("listening on (\\d+)", Duration.ofSeconds(30)));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> app.stderr().stream().anyMatch(l -> l.contains("is unavailable")));
            for (int i = 0; i < 5; i++) { // while the agent keeps retrying (heartbeat 1 s)
                assertThat(get(port)).isEqualTo(200);
                if (problem.contains("chmod")) { // a directory others may write is refused to readers too
                    assertThrows(IllegalStateException.class, () -> reader.instances("survivor"));
                } else { // readers of a full or read-only registry read on
                    assertThat(reader.instances("survivor")).containsExactly(SURVIVOR);
                }
                Thread.sleep(500);
            }
            List<String> warnings = app.stderr().stream().filter(l -> AgentLines.hasLevel(l, "WARN")).toList();
            assertThat(warnings).as(app.describe()).hasSize(1);
            System.out.println("agent on a broken file registry, app still serving: " + warnings.get(0));
            assertThat(warnings.get(0)).as(app.describe())
                    .contains("registry file:" + registry + " is unavailable", "the app keeps running", problem);
            assertThat(app.stderr()).as(app.describe()).noneMatch(l -> l.startsWith("\tat ") || l.startsWith("Exception"));

            repair.run();

            await().atMost(Duration.ofSeconds(10)).until(() -> reader.instances("faulty").stream()
                    .map(ServiceInstance::port).toList().equals(List.of(port)));
            assertThat(app.stderr()).as(app.describe()).anyMatch(l -> l.contains("is reachable again"));
            assertThat(get(port)).isEqualTo(200);
            app.terminate(Duration.ofSeconds(20));
            assertThat(app.stdout()).contains("stopping");
        }
    }

    private static int get(int port) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private Path mountTmpfs(String options) throws Exception {
        Prerequisite.requireRoot("mounting a small tmpfs to fill or make read-only");
        Path mount = Files.createDirectory(temp.resolve("mnt"));
        run("mount", "-t", "tmpfs", "-o", options + ",mode=0700", "tmpfs", mount.toString());
        return mount;
    }

    private static void unmount(Path mount) throws Exception {
        run("umount", "-l", mount.toString());
    }

    /** Writes until the file system is full. */
    private static void fill(Path filler) {
        byte[] block = new byte[4096];
        try (OutputStream out = Files.newOutputStream(filler)) {
            for (int i = 0; i < 1_000; i++) {
                out.write(block);
                out.flush();
            }
            throw new AssertionError("a 64k tmpfs took 4 MB without filling up");
        } catch (IOException full) {
            assertThat(full.getMessage()).contains("No space left on device");
        }
    }

    private static void run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(String.join(" ", command) + ": " + output).isZero();
    }
}
