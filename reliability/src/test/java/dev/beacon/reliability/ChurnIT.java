package dev.beacon.reliability;

import dev.beacon.ServiceInstance;
import dev.beacon.registry.Registries;
import dev.beacon.registry.ServiceRegistry;
import dev.beacon.registry.redis.RedisServers;
import dev.beacon.testing.JavaProcess;
import dev.beacon.testing.Jdks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * 1,000 register/renew/update/deregister cycles ({@link ChurnMain}) from 4 JVMs × 5 threads at once, all on one
 * service, against the file and the Redis registry: the final listing is exactly the instances that were kept, each
 * with its last metadata.
 */
class ChurnIT {

    @RegisterExtension
    static RedisServers redis = new RedisServers();

    private static final int PROCESSES = 4;
    private static final int THREADS = 5;
    private static final int CYCLES = 50; // per thread: 4 × 5 × 50 = 1,000 cycles
    private static final String SERVICE = "churn";

    @Test
    void fileRegistry_thousandCyclesFromFourJvms_finalStateIsExactlyTheKeptInstances(@TempDir Path dir)
            throws Exception {
        churn("file", "file:" + dir.resolve("registry"));
    }

    @Test
    void redisRegistry_thousandCyclesFromFourJvms_finalStateIsExactlyTheKeptInstances() throws Exception {
        churn("redis", redis.standalone().uri());
    }

    private static void churn(String name, String uri) throws Exception {
        Set<String> expected = new TreeSet<>();
        for (int p = 0; p < PROCESSES; p++) {
            for (int t = 0; t < THREADS; t++) {
                for (int c = 0; c < CYCLES; c++) {
                    if (ChurnMain.kept(c)) {
                        expected.add(ChurnMain.id(p, t, c));
                    }
                }
            }
        }
        long start = System.nanoTime();
        List<JavaProcess> processes = new ArrayList<>();
        long cycles = 0;
        long anomalies = 0;
        List<String> reports = new ArrayList<>();
        try {
            for (int p = 0; p < PROCESSES; p++) {
                List<String> args = new ArrayList<>(Fleet.LIGHT_JVM);
                args.addAll(List.of("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                        "-cp", System.getProperty("java.class.path"), ChurnMain.class.getName(), uri, SERVICE,
                        String.valueOf(p), String.valueOf(THREADS), String.valueOf(CYCLES)));
                processes.add(JavaProcess.start(Jdks.current(), args));
            }
            Pattern summary = Pattern.compile("churn cycles=(\\d+) anomalies=(\\d+)");
            for (JavaProcess process : processes) {
                String line = process.awaitOut("^(churn cycles=.*)$", Duration.ofSeconds(180));
                Matcher m = summary.matcher(line);
                assertThat(m.find()).as(line).isTrue();
                cycles += Long.parseLong(m.group(1));
                anomalies += Long.parseLong(m.group(2));
                assertThat(process.process().waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
                reports.add(process.describe());
            }
        } finally {
            processes.forEach(JavaProcess::close);
        }
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        List<ServiceInstance> listed;
        try (ServiceRegistry registry = Registries.open(uri)) {
            listed = registry.instances(SERVICE);
        }
        Set<String> ids = Probe.ids(listed);
        Set<String> lost = new TreeSet<>(expected);
        lost.removeAll(ids);
        Set<String> ghosts = new TreeSet<>(ids);
        ghosts.removeAll(expected);
        long wrongMetadata = listed.stream().filter(i -> !"2".equals(i.metadata().get("round"))).count();
        long duplicates = listed.size() - ids.size();

        new Figures("churn-" + name, "Churn on the " + name + " registry")
                .note(PROCESSES + " JVMs × " + THREADS + " threads × " + CYCLES + " cycles, all at once, on one "
                        + "service of the " + name + " registry. A cycle: register (metadata round=1), renew, "
                        + "register again (round=2), deregister — every fourth cycle keeps its instance.")
                .row("cycles completed", cycles)
                .row("anomalies (renew/deregister reporting a missing instance, exceptions)", anomalies)
                .row("expected / listed instances at the end", expected.size() + " / " + listed.size())
                .row("lost / ghost / duplicate instances", lost.size() + " / " + ghosts.size() + " / " + duplicates)
                .row("kept instances without their last metadata (round=2)", wrongMetadata)
                .row("wall time, JVM starts included (ms)", elapsedMs)
                .write();

        assertThat(cycles).as(String.join("\n", reports)).isEqualTo((long) PROCESSES * THREADS * CYCLES);
        assertThat(anomalies).as(String.join("\n", reports)).isZero();
        assertThat(ids).isEqualTo(expected);
        assertThat(duplicates).isZero();
        assertThat(wrongMetadata).isZero();
    }
}
