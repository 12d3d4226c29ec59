package dev.beacon.reliability;

import dev.beacon.registry.redis.RedisServer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
     * The pid of {@code server}'s redis-server process: a child of this JVM whose process title (redis-server
     * rewrites its {@code /proc/<pid>/cmdline} to {@code <path>/redis-server 127.0.0.1:<port>}) names its port.
     */
    static long pidOf(RedisServer server) {
        String address = ":" + server.port();
        List<ProcessHandle> matches = ProcessHandle.current().children()
                .filter(ProcessHandle::isAlive)
                .filter(child -> {
                    String title = title(child.pid());
                    return title.contains("redis-server") && (title.endsWith(address)
                            || title.contains(address + " "));
                })
                .toList();
        if (matches.size() != 1) {
            throw new IllegalStateException("expected one redis-server child for " + server + ", found "
                    + matches.stream().map(p -> p.pid() + " " + title(p.pid())).toList() + " among the children "
                    + ProcessHandle.current().children().map(p -> p.pid() + " " + title(p.pid())).toList());
        }
        return matches.get(0).pid();
    }

    private static String title(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "cmdline"), StandardCharsets.UTF_8)
                    .replace('\0', ' ').strip();
        } catch (IOException e) {
            return "";
        }
    }
}
