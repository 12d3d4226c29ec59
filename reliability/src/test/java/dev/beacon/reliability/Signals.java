package dev.beacon.reliability;

import dev.beacon.registry.redis.RedisServer;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** SIGSTOP/SIGCONT for processes this test JVM started (the JDK has no API for them). */
final class Signals {

    private Signals() {
    }

    static void stop(long pid) throws IOException, InterruptedException {
        send("-STOP", pid);
    }

    static void resume(long pid) throws IOException, InterruptedException {
        send("-CONT", pid);
    }

    private static void send(String signal, long pid) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", signal, Long.toString(pid)).inheritIO().start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IllegalStateException("kill " + signal + " " + pid + " failed");
        }
    }

    /**
     * The pid of {@code server}'s redis-server process: a child of this JVM whose command line names its
     * configuration file, or (redis-server rewrites its process title) its port.
     */
    static long pidOf(RedisServer server) {
        String config = server.directory().toString();
        String address = ":" + server.port();
        List<ProcessHandle> matches = ProcessHandle.current().children()
                .filter(ProcessHandle::isAlive)
                .filter(child -> child.info().commandLine()
                        .map(line -> line.contains("redis-server") && (line.contains(config) || line.endsWith(address)
                                || line.contains(address + " ")))
                        .orElse(false))
                .toList();
        if (matches.size() != 1) {
            throw new IllegalStateException("expected one redis-server child for " + server + ", found "
                    + matches.stream().map(p -> p.pid() + " " + p.info().commandLine().orElse("?")).toList());
        }
        return matches.get(0).pid();
    }
}
