package dev.beacon.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** A throw-away redis-server on a free loopback port, without persistence, for the benchmarks. */
final class RedisProcess implements AutoCloseable {

    private final Process process;
    private final int port;

    private RedisProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static RedisProcess start(String... extraArgs) throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        Path dir = Files.createTempDirectory("beacon-bench-redis");
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of("redis-server", "--port",
                Integer.toString(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir",
                dir.toString(), "--logfile", dir.resolve("redis.log").toString()));
        command.addAll(java.util.List.of(extraArgs));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        RedisProcess redis = new RedisProcess(process, port);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            try {
                if (redis.command("PING").contains("PONG")) {
                    return redis;
                }
            } catch (IOException notYet) {
                Thread.sleep(20);
            }
        }
        redis.close();
        throw new IllegalStateException("redis-server did not start on port " + port);
    }

    int port() {
        return port;
    }

    String uri() {
        return "redis://127.0.0.1:" + port;
    }

    /** Sends one inline command and returns the raw reply (enough for INFO, PING, CONFIG, FLUSHALL). */
    String command(String... args) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            StringBuilder request = new StringBuilder("*").append(args.length).append("\r\n");
            for (String arg : args) {
                request.append('$').append(arg.getBytes(StandardCharsets.UTF_8).length).append("\r\n")
                        .append(arg).append("\r\n");
            }
            out.write(request.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.UTF_8));
            String first = in.readLine();
            if (first == null || !first.startsWith("$")) {
                return first == null ? "" : first;
            }
            int length = Integer.parseInt(first.substring(1));
            char[] body = new char[Math.max(0, length)];
            int read = 0;
            while (read < length) {
                int n = in.read(body, read, length - read);
                if (n < 0) {
                    break;
                }
                read += n;
            }
            return new String(body, 0, read);
        }
    }

    /** {@code INFO <section>} as a map. */
    Map<String, String> info(String section) throws IOException {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line : command("INFO", section).split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                fields.put(line.substring(0, colon), line.substring(colon + 1));
            }
        }
        return fields;
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
