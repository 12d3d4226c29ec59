package dev.beacon.registry.redis;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds {@code redis-server} and {@code redis-cli} on the PATH, and decides what happens when they are missing:
 * the test is skipped with a hint how to install them, or fails when {@value #REQUIRED_PROPERTY} is {@code true}.
 */
final class RedisBinaries {

    /** Set to {@code true} (CI does) to fail instead of skipping when Redis is missing. */
    static final String REQUIRED_PROPERTY = "beacon.redis.required";

    static final String INSTALL_HINT = "Install Redis 7.0+ built with TLS (redis-server and redis-cli on the PATH):"
            + " 'sudo apt-get install redis-server' (Debian/Ubuntu), 'sudo dnf install redis' (Fedora),"
            + " 'brew install redis' (macOS).";

    private static final Pattern VERSION = Pattern.compile("v=(\\d+)\\.(\\d+)\\.(\\d+)");

    private final String redisServer;
    private final String redisCli;
    private final String version;

    private RedisBinaries(String redisServer, String redisCli, String version) {
        this.redisServer = redisServer;
        this.redisCli = redisCli;
        this.version = version;
    }

    /** Looks on this JVM's PATH, honouring {@value #REQUIRED_PROPERTY}. */
    static RedisBinaries locate() {
        return locate(System.getenv().getOrDefault("PATH", ""), Boolean.getBoolean(REQUIRED_PROPERTY));
    }

    /**
     * Looks on {@code path}.
     *
     * @throws org.opentest4j.TestAbortedException if a binary is missing or older than 7.0, and not {@code required}
     * @throws org.opentest4j.AssertionFailedError if so, and {@code required}
     */
    static RedisBinaries locate(String path, boolean required) {
        Optional<Path> server = find(path, "redis-server");
        Optional<Path> cli = find(path, "redis-cli");
        if (server.isEmpty() || cli.isEmpty()) {
            throw unavailable((server.isEmpty() ? "redis-server" : "redis-cli") + " is not on the PATH ("
                    + path + ")", required);
        }
        String printed = Subprocess.run(Path.of(System.getProperty("java.io.tmpdir")), Duration.ofSeconds(10),
                List.of(server.get().toString(), "--version")).strip();
        Matcher version = VERSION.matcher(printed);
        if (!version.find() || Integer.parseInt(version.group(1)) < 7) {
            throw unavailable(server.get() + " is not Redis 7.0+: it says '" + printed + "'", required);
        }
        return new RedisBinaries(server.get().toString(), cli.get().toString(),
                version.group(1) + "." + version.group(2) + "." + version.group(3));
    }

    /**
     * The exception that skips the test, or fails it when {@code required}; thrown by the caller so the compiler
     * knows the call does not return.
     */
    static RuntimeException unavailable(String reason, boolean required) {
        if (required) {
            throw new org.opentest4j.AssertionFailedError(reason + ", and -D" + REQUIRED_PROPERTY
                    + "=true makes that a failure. " + INSTALL_HINT);
        }
        return new org.opentest4j.TestAbortedException(reason + ", so this Redis test is skipped. " + INSTALL_HINT
                + " Set -D" + REQUIRED_PROPERTY + "=true to fail instead of skipping.");
    }

    /** {@code openssl} on the PATH, for test certificates; skipped or failed like Redis when missing. */
    static String openssl() {
        return find(System.getenv().getOrDefault("PATH", ""), "openssl")
                .map(Path::toString)
                .orElseThrow(() -> unavailable("openssl (needed for TLS test certificates) is not on the PATH",
                        Boolean.getBoolean(REQUIRED_PROPERTY)));
    }

    String redisServer() {
        return redisServer;
    }

    String redisCli() {
        return redisCli;
    }

    /** Such as {@code 7.0.15}. */
    String version() {
        return version;
    }

    private static Optional<Path> find(String path, String name) {
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty()) {
                Path candidate = Path.of(dir, name);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }
}
