package dev.beacon.testing;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Throw-away TLS files for the tests of HTTPS servers, made at test time with {@code openssl} as an operator would
 * make them: self-signed certificates for {@code 127.0.0.1} and {@code localhost} with RSA or EC keys (PEM, the key
 * unencrypted PKCS#8), and the same key as PKCS#1, as encrypted PKCS#8 or in a PKCS#12 keystore. Without
 * {@code openssl} on the PATH the test is skipped, or fails under {@code -D}{@value #REQUIRED}{@code =true}.
 * Not thread-safe.
 */
public final class TlsFiles {

    /** Makes a missing {@code openssl} a failure instead of a skip. */
    public static final String REQUIRED = "beacon.openssl.required";

    private static final String CONFIG = """
            [req]
            distinguished_name = dn
            prompt = no
            [dn]
            CN = unused
            [server_ext]
            basicConstraints = critical, CA:FALSE
            keyUsage = critical, digitalSignature, keyEncipherment
            extendedKeyUsage = serverAuth
            subjectAltName = IP:127.0.0.1, DNS:localhost
            """;

    private static final Pattern NEGOTIATED = Pattern.compile("New, (TLSv[0-9.]+), Cipher is");

    /** A certificate and its private key, PEM files. */
    public record Pem(Path certificate, Path key) {
    }

    private final String openssl;
    private final Path dir;
    private int made;

    private TlsFiles(String openssl, Path dir) {
        this.openssl = openssl;
        this.dir = dir;
    }

    /** Files in {@code dir}, which must exist. */
    public static TlsFiles in(Path dir) {
        String openssl = null;
        for (String entry : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(entry.isEmpty() ? "." : entry, "openssl");
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                openssl = candidate.toString();
                break;
            }
        }
        Prerequisite.require(openssl != null, "openssl (for the test certificates) is not on the PATH; install it "
                + "(apt-get install openssl)", REQUIRED);
        try {
            Files.writeString(dir.resolve("openssl.cnf"), CONFIG);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new TlsFiles(openssl, dir);
    }

    /** A new self-signed certificate with a 2048-bit RSA key. */
    public Pem rsa() {
        return selfSigned("rsa", List.of("-newkey", "rsa:2048"));
    }

    /** A new self-signed certificate with an EC P-256 key. */
    public Pem ec() {
        return selfSigned("ec", List.of("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"));
    }

    /** A PKCS#12 keystore with {@code pem}'s key and certificate, protected by {@code password}. */
    public Path pkcs12(Pem pem, String password) {
        Path store = next("keystore", ".p12");
        openssl("pkcs12", "-export", "-in", pem.certificate().toString(), "-inkey", pem.key().toString(),
                "-name", "server", "-out", store.toString(), "-passout", "pass:" + password);
        return store;
    }

    /** {@code rsa}'s key in the traditional PKCS#1 form ({@code -----BEGIN RSA PRIVATE KEY-----}). */
    public Path pkcs1(Pem rsa) {
        Path key = next("pkcs1", ".pem");
        openssl("rsa", "-in", rsa.key().toString(), "-traditional", "-out", key.toString());
        return key;
    }

    /** {@code pem}'s key as encrypted PKCS#8 ({@code -----BEGIN ENCRYPTED PRIVATE KEY-----}). */
    public Path encrypted(Pem pem) {
        Path key = next("encrypted", ".pem");
        openssl("pkcs8", "-topk8", "-in", pem.key().toString(), "-out", key.toString(), "-passout", "pass:secret-pw");
        return key;
    }

    /**
     * Shakes hands with the TLS server on {@code 127.0.0.1:port} as {@code openssl s_client} with {@code protocol}
     * ({@code -tls1_1}, {@code -tls1_2}, ...) and any cipher, even those of security level 0, then disconnects.
     *
     * @return the protocol negotiated, such as {@code TLSv1.2}; empty when the handshake failed
     */
    public Optional<String> handshake(int port, String protocol) {
        List<String> command = List.of(openssl, "s_client", "-connect", "127.0.0.1:" + port, protocol,
                "-cipher", "DEFAULT@SECLEVEL=0");
        try {
            Path output = Files.createTempFile(dir, "s_client-", ".out");
            Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(output.toFile()).start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                throw new IllegalStateException(String.join(" ", command) + " did not finish within 60 s");
            }
            Matcher negotiated = NEGOTIATED.matcher(Files.readString(output, StandardCharsets.UTF_8));
            return process.exitValue() == 0 && negotiated.find() ? Optional.of(negotiated.group(1))
                    : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + String.join(" ", command), e);
        }
    }

    /** A client context that trusts exactly {@code certificate} (PEM). */
    public static SSLContext trusting(Path certificate) {
        try (InputStream in = Files.newInputStream(certificate)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("trusted", CertificateFactory.getInstance("X.509").generateCertificate(in));
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot trust " + certificate, e);
        }
    }

    /**
     * A PKCS#12 keystore (made with the JDK's keytool) whose certificate expired yesterday, protected by
     * {@code password}.
     */
    public Path expiredPkcs12(String password) {
        Path store = next("expired", ".p12");
        run(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair",
                "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-startdate", "-3d", "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass", password, "-keypass", password));
        return store;
    }

    private Pem selfSigned(String kind, List<String> keyOptions) {
        Path certificate = next(kind + "-cert", ".pem");
        Path key = next(kind + "-key", ".pem");
        List<String> args = new ArrayList<>(List.of("req", "-config", dir.resolve("openssl.cnf").toString(),
                "-x509", "-nodes", "-keyout", key.toString(), "-out", certificate.toString(), "-days", "2",
                "-extensions", "server_ext", "-subj", "/CN=localhost"));
        args.addAll(keyOptions);
        openssl(args.toArray(String[]::new));
        return new Pem(certificate, key);
    }

    private Path next(String name, String suffix) {
        return dir.resolve(name + "-" + ++made + suffix);
    }

    private void openssl(String... args) {
        List<String> command = new ArrayList<>();
        command.add(openssl);
        command.addAll(List.of(args));
        run(command);
    }

    private void run(List<String> command) {
        try {
            Path output = Files.createTempFile(dir, "openssl-", ".out");
            Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                throw new IllegalStateException(String.join(" ", command) + " did not finish within 60 s");
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " exited with " + process.exitValue()
                        + ":\n" + Files.readString(output, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + String.join(" ", command), e);
        }
    }
}
