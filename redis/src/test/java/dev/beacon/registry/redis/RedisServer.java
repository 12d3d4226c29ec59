package dev.beacon.registry.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

/**
 * One real {@code redis-server} process (or sentinel) started by {@link RedisServers}: bound to {@code 127.0.0.1}
 * on a port of its own, in a directory of its own, without persistence ({@code save ""}, {@code appendonly no}).
 * Thread-safe; the lifecycle methods are serialised.
 *
 * <p>{@link #command} talks RESP over a socket of its own (TLS and authentication included), so it works whatever
 * the server's configuration; on an ACL server it runs as an administrator the support added for itself.
 */
public class RedisServer implements AutoCloseable {

    static final String HOST = "127.0.0.1";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration IO_TIMEOUT = Duration.ofSeconds(10);
    private static final int LOG_LINES = 25;

    /** A user and password to authenticate with. */
    record Credentials(String user, String password) {
    }

    /**
     * What to start.
     *
     * @param config the whole configuration file, port included
     * @param admin whom {@link #command} authenticates as, if the server needs it
     * @param tls the client trust for a TLS-only server
     */
    record Spec(String name, String executable, Path dir, int port, List<String> config, boolean sentinel,
                Optional<Credentials> admin, Optional<SSLContext> tls) {

        Spec {
            config = List.copyOf(config);
        }
    }

    private final Spec spec;
    private volatile Process process; // written under this; read without the lock by killNow()

    RedisServer(Spec spec) {
        this.spec = spec;
    }

    /** {@code 127.0.0.1}. */
    public String host() {
        return HOST;
    }

    /** The port it listens on; the TLS port for a TLS server. Stays the same across {@link #restart()}. */
    public int port() {
        return spec.port();
    }

    /** The address to give a client. */
    public Address address() {
        return new Address(HOST, spec.port());
    }

    /** {@code redis://127.0.0.1:port}, or {@code rediss://127.0.0.1:port} for TLS; never with credentials. */
    public String uri() {
        return (spec.tls().isPresent() ? "rediss://" : "redis://") + HOST + ":" + spec.port();
    }

    /** The server's own directory: its configuration, {@code redis.log}, {@code stdout.log}. */
    public Path directory() {
        return spec.dir();
    }

    /** The log file Redis writes, {@code redis.log} in {@link #directory()}. */
    public Path logFile() {
        return spec.dir().resolve("redis.log");
    }

    /** Same as {@link #kill()}, for try-with-resources; idempotent. {@link #restart()} still works after it. */
    @Override
    public void close() {
        kill();
    }

    /** SIGKILL without taking the lock nor waiting, for the JVM shutdown hook. */
    void killNow() {
        Process current = process;
        if (current != null) {
            current.destroyForcibly();
        }
    }

    /** Whether its process is alive. */
    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Kills the process with SIGKILL and waits until it is gone; nothing happens if it is not running. */
    public synchronized void kill() {
        if (process != null) {
            process.destroyForcibly();
            waitForExit(process, STOP_TIMEOUT);
        }
    }

    /**
     * Stops the process with SIGTERM (configured as {@code shutdown-on-sigterm nosave now}) and waits until it is
     * gone, killing it after 10 s; nothing happens if it is not running.
     */
    public synchronized void stop() {
        if (isRunning()) {
            process.destroy();
            if (!waitForExit(process, STOP_TIMEOUT)) {
                kill();
            }
        }
    }

    /**
     * Stops it if it runs, then starts it again on the same port with the same configuration and waits until it
     * answers PING. It comes back empty: it was started without persistence, and a {@code dump.rdb} left by a
     * replica's full sync is deleted first. A sentinel or cluster node keeps its rewritten configuration.
     *
     * @throws IllegalStateException if it does not come up within 20 s; the message holds the end of its log
     */
    public synchronized void restart() {
        stop();
        start();
    }

    /**
     * Runs one command and returns the reply as text: strings as they are, integers in decimal, nil as {@code ""},
     * arrays flattened one element a line (as {@code redis-cli} prints when not on a terminal).
     *
     * @param args the command's name, then its arguments: {@code command("SET", "k", "v")}
     * @throws RedisCommandException if Redis answers with an error
     * @throws UncheckedIOException if it cannot be reached
     */
    public String command(String... args) {
        requireCommand(args);
        try (RespConnection connection = connect()) {
            return connection.call(args);
        } catch (IOException e) {
            throw new UncheckedIOException("could not send '" + args[0] + "' to " + this, e);
        }
    }

    /**
     * Like {@link #command} but authenticated as {@code user} first.
     *
     * @throws RedisCommandException if authentication is refused ({@code WRONGPASS}) or the command fails
     */
    public String commandAs(String user, String password, String... args) {
        requireCommand(args);
        try (RespConnection connection = open()) {
            connection.auth(user, password);
            return connection.call(args);
        } catch (IOException e) {
            throw new UncheckedIOException("could not send '" + args[0] + "' as " + user + " to " + this, e);
        }
    }

    /** {@code used_memory} from {@code INFO memory}, in bytes. */
    public long usedMemory() {
        return Long.parseLong(info("memory", "used_memory"));
    }

    @Override
    public String toString() {
        return spec.name() + " " + uri();
    }

    private static void requireCommand(String... args) {
        if (args.length == 0) {
            throw new IllegalArgumentException("a command needs at least its name, but args was empty");
        }
    }

    /** One field of {@code INFO section}, such as {@code role} of {@code replication}. */
    String info(String section, String field) {
        String prefix = field + ":";
        return command("INFO", section).lines()
                .filter(line -> line.startsWith(prefix))
                .map(line -> line.substring(prefix.length()).strip())
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("INFO " + section + " of " + this + " has no " + field));
    }

    /**
     * Starts the process and waits until it answers PING.
     *
     * @throws PortInUseException if the port was taken meanwhile, so the caller can try another
     * @throws IllegalStateException if it exits or does not answer within 20 s
     */
    synchronized void start() {
        if (isRunning()) {
            throw new IllegalStateException(this + " is already running");
        }
        try {
            Path config = spec.dir().resolve(spec.sentinel() ? "sentinel.conf" : "redis.conf");
            if (Files.notExists(config)) {
                Files.write(config, spec.config());
            }
            Files.deleteIfExists(spec.dir().resolve("dump.rdb"));
            deleteRecursively(spec.dir().resolve("appendonlydir"));
            List<String> command = new ArrayList<>(List.of(spec.executable(), config.toString()));
            if (spec.sentinel()) {
                command.add("--sentinel");
            }
            process = new ProcessBuilder(command)
                    .directory(spec.dir().toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(Redirect.appendTo(spec.dir().resolve("stdout.log").toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + spec.executable() + " for " + this, e);
        }
        awaitReady();
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        Exception last = null;
        while (true) {
            if (!process.isAlive()) {
                String log = logTail();
                if (log.contains("Address already in use")) {
                    throw new PortInUseException(this + " could not bind its port:\n" + log);
                }
                throw new IllegalStateException(this + " exited with " + process.exitValue()
                        + " while starting; its log (" + spec.dir() + ") ends with:\n" + log);
            }
            try (RespConnection connection = connect()) {
                if ("PONG".equals(connection.call("PING"))) {
                    return;
                }
            } catch (SSLException e) {
                kill();
                throw new IllegalStateException("TLS handshake with " + this + " failed: " + e.getMessage(), e);
            } catch (IOException e) {
                last = e;
            } catch (RedisCommandException e) {
                if (!e.code().equals("LOADING")) {
                    kill();
                    throw e;
                }
                last = e;
            }
            if (System.nanoTime() - deadline > 0) {
                kill();
                throw new IllegalStateException(this + " did not answer PING within " + START_TIMEOUT.toSeconds()
                        + " s (last: " + last + "); its log ends with:\n" + logTail());
            }
            Await.sleep(Duration.ofMillis(20));
        }
    }

    private RespConnection connect() throws IOException {
        RespConnection connection = open();
        if (spec.admin().isPresent()) {
            try {
                connection.auth(spec.admin().get().user(), spec.admin().get().password());
            } catch (IOException | RuntimeException e) {
                connection.close();
                throw e;
            }
        }
        return connection;
    }

    private RespConnection open() throws IOException {
        return RespConnection.open(HOST, spec.port(), spec.tls().orElse(null), IO_TIMEOUT);
    }

    private String logTail() {
        StringBuilder tail = new StringBuilder();
        for (String file : List.of("stdout.log", "redis.log")) {
            Path path = spec.dir().resolve(file);
            try {
                if (Files.exists(path)) {
                    List<String> lines = Files.readAllLines(path, StandardCharsets.UTF_8);
                    lines.subList(Math.max(0, lines.size() - LOG_LINES), lines.size())
                            .forEach(line -> tail.append(file).append(": ").append(line).append('\n'));
                }
            } catch (IOException e) {
                tail.append(file).append(": (unreadable: ").append(e).append(")\n");
            }
        }
        return tail.toString();
    }

    private static boolean waitForExit(Process process, Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for redis-server " + process.pid(), e);
        }
    }

    static void deleteRecursively(Path path) throws IOException {
        if (Files.notExists(path)) {
            return;
        }
        try (Stream<Path> tree = Files.walk(path)) {
            for (Path each : tree.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(each);
            }
        }
    }

    /** The port was taken by someone else between choosing it and binding it. */
    static final class PortInUseException extends IllegalStateException {

        private static final long serialVersionUID = 1L;

        PortInUseException(String message) {
            super(message);
        }
    }
}
