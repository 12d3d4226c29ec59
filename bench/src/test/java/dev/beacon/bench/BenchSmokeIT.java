package dev.beacon.bench;

import dev.beacon.testing.Prerequisite;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The benchmark harnesses run end to end from the built jar (as {@code bench.sh} runs them), in their smallest mode
 * ({@code --smoke}): real agent JVMs, a real redis-server and Redis Cluster, ZooKeeper in-process. Checks that each
 * prints its tables with measured values and draws its plots. Timings are not asserted: the machine is shared.
 */
class BenchSmokeIT {

    private static final Path ROOT = Path.of(System.getProperty("beacon.root", "..")).toAbsolutePath().normalize();
    private static final Path BENCH_JAR = Path.of(System.getProperty("beacon.bench.jar", "target/beacon-bench.jar"))
            .toAbsolutePath();
    private static final String TIME = "[0-9.,]+ (µs|ms|s)";

    @TempDir
    Path plots;

    @BeforeAll
    static void redisAvailable() {
        boolean found = List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)).stream()
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, "redis-server"))
                        && Files.isExecutable(Path.of(dir, "redis-cli")));
        Prerequisite.require(found, "redis-server and redis-cli are not on the PATH; the benchmark smoke test needs "
                + "them", "beacon.redis.required");
    }

    private String run(String main) throws Exception {
        assertThat(BENCH_JAR).as("the bench jar (mvn package)").isRegularFile();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Djava.awt.headless=true", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-Dbeacon.root=" + ROOT, "-Dbeacon.bench.plots=" + plots, "-cp", BENCH_JAR.toString(),
                "dev.beacon.bench." + main, "--smoke"));
        Path err = Files.createTempFile(plots, main, ".err");
        Process process = new ProcessBuilder(command).redirectError(err.toFile()).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        boolean exited = process.waitFor(150, TimeUnit.SECONDS);
        if (!exited) {
            process.destroyForcibly();
        }
        assertThat(exited && process.exitValue() == 0).as(main + " exited normally; stdout:\n" + out + "\nstderr:\n"
                + Files.readString(err)).isTrue();
        return out;
    }

    private void assertPlot(String name) throws Exception {
        Path png = plots.resolve(name);
        assertThat(png).isRegularFile();
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image).as(name + " is a PNG").isNotNull();
        assertThat(image.getWidth()).isEqualTo(900);
        assertThat(image.getHeight()).isEqualTo(520);
    }

    @Test
    void propagation_smoke_printsBeaconAndCuratorRowsAndDrawsCdfs() throws Exception {
        String report = run("PropagationBench");
        assertThat(report).contains("### Propagation (smoke run)", "| scenario | seen by | Beacon, file | Beacon, Redis "
                + "| Beacon, ZooKeeper | Beacon, Eureka | Curator + ZooKeeper |");
        // a measured value in the cells of file, Redis, ZooKeeper and Curator; Eureka is not run in the smoke run
        String measured = TIME + " / [^|]*\\| ";
        assertThat(report).containsPattern("\\| registration, agent warm [^|]*\\| client \\| " + measured + measured
                + measured + "– \\| " + measured + "[0-9.,]+× \\|");
        assertThat(report).containsPattern("\\| graceful stop [^|]*\\| client \\| " + measured + measured + measured
                + "– \\| " + TIME + " / ");
        assertThat(report).containsPattern("\\| crash, short lease [^|]*\\| client \\| " + measured + measured
                + measured + "– \\| " + TIME + " / ");
        assertThat(report).doesNotContainPattern("\\d+ missed");
        assertPlot("propagation-cdf.png");
        assertPlot("crash-cdf.png");
    }

    @Test
    void scale_smoke_printsStandaloneAndClusterTables() throws Exception {
        String report = run("ScaleBench");
        assertThat(report).contains("### Scale: one Redis, many instances (smoke run)", "**Redis Cluster, 3 masters**");
        assertThat(report).containsPattern("\\| 2,000 \\| [0-9,]+ ms \\| 667 \\| [0-9,]+ \\| [0-9,]+ \\| "
                + "[0-9,]+ ms \\| [0-9,]+ bytes \\|");
        // every master holds some services' keys and processed commands
        assertThat(report).containsPattern("\\| master 1 \\(:\\d+\\) \\| [1-9][0-9,]* \\| [1-9][0-9,]* \\|");
        assertThat(report).containsPattern("\\| master 2 \\(:\\d+\\) \\| [1-9][0-9,]* \\| [1-9][0-9,]* \\|");
        assertThat(report).containsPattern("\\| master 3 \\(:\\d+\\) \\| [1-9][0-9,]* \\| [1-9][0-9,]* \\|");
    }

    @Test
    void lookup_smoke_measuresBothClientsWithJmhAndDrawsThePlot() throws Exception {
        String report = run("LookupBench");
        assertThat(report).contains("### Lookup from a warm client, Beacon and Curator (smoke run)");
        assertThat(report).containsPattern("\\| 10 \\| [0-9.,]+ \\| [0-9.,]+ \\| [0-9.,]+× \\|");
        assertPlot("lookup-ns.png");
    }
}
