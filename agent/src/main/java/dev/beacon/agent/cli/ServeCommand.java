package dev.beacon.agent.cli;

import dev.beacon.support.Durations;
import dev.beacon.health.ActiveHealthChecker;
import dev.beacon.health.HealthCheck;
import dev.beacon.server.BeaconServer;
import dev.beacon.registry.RegistryUris;
import dev.beacon.registry.ServiceRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code beacon serve}: the registry's HTTP API and dashboard, with active health checking of the registered
 * instances, until interrupted. Binds to loopback unless {@code --bind} says otherwise; with {@code --token} (or
 * {@code BEACON_TOKEN}) every write needs {@code Authorization: Bearer <token>}, and with {@code --protect-reads}
 * every read but {@code /health} too. HTTPS with {@code --tls-cert} and {@code --tls-key} (PEM) or {@code --keystore}
 * (PKCS#12, its password from {@code --keystore-password-file} or {@code BEACON_KEYSTORE_PASSWORD}, never from the
 * command line, where every user of the machine could read it).
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve the HTTP API and the dashboard of a registry, until Ctrl-C.")
final class ServeCommand implements Callable<Integer> {

    static final String KEYSTORE_PASSWORD_VARIABLE = "BEACON_KEYSTORE_PASSWORD";
    private static final int MAX_PASSWORD_FILE_BYTES = 4096;

    @Mixin
    RegistryOption registry;

    @Option(names = "--port", defaultValue = "8500", description = "Port (default 8500; 0 = any free port).")
    int port;

    @Option(names = "--bind", defaultValue = "127.0.0.1",
            description = "Address to listen on (default 127.0.0.1; 0.0.0.0 for all interfaces).")
    String bind;

    @Option(names = "--token", defaultValue = "${env:BEACON_TOKEN}",
            description = "Bearer token required for writes (default: $BEACON_TOKEN; none = writes are open).")
    String token;

    @Option(names = "--protect-reads",
            description = "Reads need the token too: every route but /health answers 401 without it (needs --token).")
    boolean protectReads;

    @Option(names = "--tls-cert", paramLabel = "FILE",
            description = "Serve HTTPS with this PEM certificate chain, the server's certificate first (with "
                    + "--tls-key).")
    Path tlsCertificate;

    @Option(names = "--tls-key", paramLabel = "FILE",
            description = "The PEM private key of --tls-cert: unencrypted PKCS#8 (BEGIN PRIVATE KEY), RSA or EC.")
    Path tlsKey;

    @Option(names = "--keystore", paramLabel = "FILE",
            description = "Serve HTTPS with the one key and certificate chain of this PKCS#12 keystore; its password "
                    + "from --keystore-password-file or $" + KEYSTORE_PASSWORD_VARIABLE + ".")
    Path keystore;

    @Option(names = "--keystore-password-file", paramLabel = "FILE",
            description = "File holding the --keystore password (one trailing newline is ignored).")
    Path keystorePasswordFile;

    /** Accepted only to refuse it with a useful message instead of picocli's, which would echo the password. */
    @Option(names = "--keystore-password", hidden = true, arity = "0..1")
    String keystorePasswordOnCommandLine;

    @Option(names = "--check-interval", defaultValue = "5s",
            description = "Active TCP health checks of every registered instance at this interval (default 5s; "
                    + "0 turns them off).")
    String checkInterval;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Duration interval = Durations.parse("--check-interval", checkInterval);
        boolean hasToken = token != null && !token.isBlank();
        checkSecurityOptions(hasToken);
        byte[] dashboard = dashboard();
        CountDownLatch stop = new CountDownLatch(1);
        try (ServiceRegistry open = registry.open()) {
            BeaconServer.Builder builder = BeaconServer.builder(open).port(port).bind(bind)
                    .indexPage("text/html; charset=utf-8", dashboard);
            if (hasToken) {
                builder.token(token).protectReads(protectReads);
            }
            if (tlsCertificate != null) {
                builder.tls(tlsCertificate, tlsKey);
            } else if (keystore != null) {
                char[] password = keystorePassword();
                try {
                    builder.tlsKeystore(keystore, password);
                } finally {
                    Arrays.fill(password, '\0');
                }
            }
            if (!interval.isZero()) {
                builder.companion(() -> ActiveHealthChecker.builder(open, HealthCheck.tcp(Duration.ofSeconds(1)))
                        .interval(interval).build().start());
            }
            try (BeaconServer server = builder.build().start()) {
                Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "beacon-serve-stop"));
                PrintWriter out = spec.commandLine().getOut();
                out.println("serving " + RegistryUris.mask(registry.uri) + " at " + server.uri() + " ("
                        + server.certificate().map(certificate -> "TLS certificate "
                        + certificate.getSubjectX500Principal().getName() + ", valid until "
                        + certificate.getNotAfter().toInstant() + "; ").orElse("")
                        + (!hasToken ? "writes open: set --token or BEACON_TOKEN"
                        : protectReads ? "reads and writes need the token" : "writes need the token") + ")"
                        + (interval.isZero() ? "" : "; health checks every " + Durations.format(interval)));
                out.flush();
                stop.await();
            }
        }
        return BeaconCommand.OK;
    }

    /** The combinations of --token, --protect-reads and the TLS options that cannot work, each refused clearly. */
    private void checkSecurityOptions(boolean hasToken) {
        if (keystorePasswordOnCommandLine != null) {
            throw new IllegalArgumentException("--keystore-password is not accepted: a password on the command line "
                    + "is visible to every user of this machine; put it in a file readable by you only "
                    + "(--keystore-password-file FILE) or in $" + KEYSTORE_PASSWORD_VARIABLE);
        }
        if (protectReads && !hasToken) {
            throw new IllegalArgumentException("--protect-reads needs a token: set --token or BEACON_TOKEN");
        }
        if ((tlsCertificate == null) != (tlsKey == null)) {
            throw new IllegalArgumentException(tlsCertificate == null
                    ? "--tls-key needs --tls-cert, the certificate chain of the key"
                    : "--tls-cert needs --tls-key, the private key of the certificate");
        }
        if (tlsCertificate != null && keystore != null) {
            throw new IllegalArgumentException("choose --tls-cert with --tls-key (PEM) or --keystore (PKCS#12), "
                    + "not both");
        }
        if (keystorePasswordFile != null && keystore == null) {
            throw new IllegalArgumentException("--keystore-password-file is the password of --keystore, which is "
                    + "not set");
        }
        if (keystore != null && keystorePasswordFile == null && System.getenv(KEYSTORE_PASSWORD_VARIABLE) == null) {
            throw new IllegalArgumentException("--keystore needs its password: --keystore-password-file FILE or $"
                    + KEYSTORE_PASSWORD_VARIABLE);
        }
    }

    /** From --keystore-password-file (without its trailing line break), else the environment. */
    private char[] keystorePassword() {
        if (keystorePasswordFile == null) {
            return System.getenv(KEYSTORE_PASSWORD_VARIABLE).toCharArray();
        }
        byte[] bytes;
        try {
            if (Files.size(keystorePasswordFile) > MAX_PASSWORD_FILE_BYTES) {
                throw new IllegalArgumentException("the keystore password file " + keystorePasswordFile + " has more "
                        + "than " + MAX_PASSWORD_FILE_BYTES + " bytes; expected the password alone");
            }
            bytes = Files.readAllBytes(keystorePasswordFile);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("cannot read the keystore password file " + keystorePasswordFile
                    + ": no such file", e);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the keystore password file " + keystorePasswordFile
                    + ": " + e, e);
        }
        try {
            CharBuffer chars = StandardCharsets.UTF_8.decode(ByteBuffer.wrap(bytes));
            int end = chars.limit();
            if (end > 0 && chars.get(end - 1) == '\n') {
                end--;
                if (end > 0 && chars.get(end - 1) == '\r') {
                    end--;
                }
            }
            char[] password = new char[end];
            chars.get(password);
            Arrays.fill(chars.array(), '\0');
            return password;
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    private static byte[] dashboard() throws IOException {
        try (InputStream in = ServeCommand.class.getResourceAsStream("/dev/beacon/server/dashboard.html")) {
            if (in == null) {
                throw new IOException("the dashboard page is missing from the jar");
            }
            return in.readAllBytes();
        }
    }
}
