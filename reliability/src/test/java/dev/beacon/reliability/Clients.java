package dev.beacon.reliability;

import dev.beacon.testing.JavaProcess;
import dev.beacon.testing.Jdks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Client JVMs running {@link ChooserMain}; see there for what they count. */
final class Clients implements AutoCloseable {

    /** What one client counted. */
    record Counts(long calls, long failures, long maxBatchMs, Set<String> ids) {
    }

    private static final Pattern STATS = Pattern.compile(
            "calls=(\\d+) failures=(\\d+) maxBatchMs=(\\d+) ids=(\\S*)");

    private final List<JavaProcess> processes = new ArrayList<>();

    private Clients() {
    }

    /**
     * Starts {@code count} clients of {@code service}; returns once each knows {@code expected} instances.
     *
     * @param refresh the clients' full re-read interval (their watches push changes in between)
     */
    static Clients start(int count, String registryUri, String service, int expected, Duration refresh)
            throws Exception {
        Clients clients = new Clients();
        try {
            for (int i = 0; i < count; i++) {
                List<String> args = new ArrayList<>(Fleet.LIGHT_JVM);
                args.addAll(List.of("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                        "-cp", System.getProperty("java.class.path"), ChooserMain.class.getName(),
                        registryUri, service, String.valueOf(expected), String.valueOf(refresh.toMillis())));
                clients.processes.add(JavaProcess.start(Jdks.current(), args));
            }
            for (JavaProcess client : clients.processes) {
                client.awaitOut("^ready$", Duration.ofSeconds(90));
            }
            return clients;
        } catch (Exception | Error e) {
            clients.close();
            throw e;
        }
    }

    /** The latest {@code stats} line of each client. */
    List<Counts> current() {
        List<Counts> counts = new ArrayList<>();
        for (JavaProcess client : processes) {
            List<String> out = client.stdout();
            Counts last = new Counts(0, 0, 0, Set.of());
            for (int i = out.size() - 1; i >= 0; i--) {
                if (out.get(i).startsWith("stats ")) {
                    last = parse(out.get(i), client);
                    break;
                }
            }
            counts.add(last);
        }
        return counts;
    }

    /** Terminates the clients (SIGTERM) and returns their {@code final} counts. */
    List<Counts> finish() throws InterruptedException {
        List<Counts> counts = new ArrayList<>();
        for (JavaProcess client : processes) {
            client.process().toHandle().destroy();
        }
        for (JavaProcess client : processes) {
            client.terminate(Duration.ofSeconds(20));
            String line = client.stdout().stream().filter(l -> l.startsWith("final ")).reduce((a, b) -> b)
                    .orElseThrow(() -> new AssertionError("no final line from a client: " + client.describe()));
            counts.add(parse(line, client));
        }
        return counts;
    }

    static long sum(List<Counts> counts, java.util.function.ToLongFunction<Counts> field) {
        return counts.stream().mapToLong(field).sum();
    }

    static long max(List<Counts> counts, java.util.function.ToLongFunction<Counts> field) {
        return counts.stream().mapToLong(field).max().orElse(0);
    }

    private static Counts parse(String line, JavaProcess client) {
        Matcher m = STATS.matcher(line);
        if (!m.find()) {
            throw new AssertionError("unreadable line '" + line + "' from " + client.describe());
        }
        Set<String> ids = m.group(4).isEmpty() ? Set.of() : new TreeSet<>(Arrays.asList(m.group(4).split(",")));
        return new Counts(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)), ids);
    }

    String describe() {
        StringBuilder text = new StringBuilder();
        processes.forEach(p -> text.append(p.describe()).append('\n'));
        return text.toString();
    }

    @Override
    public void close() {
        processes.forEach(JavaProcess::close);
    }
}
