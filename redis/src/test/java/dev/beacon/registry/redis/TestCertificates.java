package dev.beacon.registry.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throw-away certificate authority made with {@code openssl} at test time: its PEM certificate, a PKCS12 truststore
 * holding it, and server certificates for {@code 127.0.0.1}/{@code localhost} it signs. EC P-256 keys keep this fast
 * (well under a second). Thread-safe: issuing is serialised because openssl keeps the serial number in a file.
 */
final class TestCertificates {

    static final String TRUST_STORE_PASSWORD = "beacon-test";

    private static final Duration OPENSSL_TIMEOUT = Duration.ofSeconds(30);
    private static final String CONFIG = """
            [req]
            distinguished_name = dn
            prompt = no
            [dn]
            CN = unused
            [ca_ext]
            basicConstraints = critical, CA:TRUE
            keyUsage = critical, keyCertSign, cRLSign
            subjectKeyIdentifier = hash
            [server_ext]
            basicConstraints = critical, CA:FALSE
            keyUsage = critical, digitalSignature, keyEncipherment
            extendedKeyUsage = serverAuth
            subjectAltName = IP:127.0.0.1, DNS:localhost
            authorityKeyIdentifier = keyid
            """;

    /** A server's certificate and private key, PEM files. */
    record ServerCertificate(Path certificate, Path key) {
    }

    private final String openssl;
    private final Path dir;
    private final Path config;
    private final Path caCertificate;
    private final Path caKey;
    private final Path trustStore;
    private final SSLContext sslContext;
    private int issued;

    private TestCertificates(String openssl, Path dir, SSLContext sslContext) {
        this.openssl = openssl;
        this.dir = dir;
        this.config = dir.resolve("openssl.cnf");
        this.caCertificate = dir.resolve("ca.pem");
        this.caKey = dir.resolve("ca-key.pem");
        this.trustStore = dir.resolve("truststore.p12");
        this.sslContext = sslContext;
    }

    /** Creates a new authority named {@code name} in {@code dir}, which must exist and be empty. */
    static TestCertificates createAuthority(String openssl, Path dir, String name) {
        try {
            Files.writeString(dir.resolve("openssl.cnf"), CONFIG);
            Subprocess.run(dir, OPENSSL_TIMEOUT, List.of(openssl, "req", "-config", "openssl.cnf", "-x509",
                    "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", "ca-key.pem", "-out", "ca.pem", "-days", "2", "-extensions", "ca_ext",
                    "-subj", "/CN=" + name));
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("beacon-test-ca", readCertificate(dir.resolve("ca.pem")));
            try (OutputStream out = Files.newOutputStream(dir.resolve("truststore.p12"))) {
                store.store(out, TRUST_STORE_PASSWORD.toCharArray());
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return new TestCertificates(openssl, dir, context);
        } catch (IOException e) {
            throw new UncheckedIOException("could not create the test certificate authority in " + dir, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("could not build a truststore from the test CA in " + dir, e);
        }
    }

    /** Issues a server certificate for {@code 127.0.0.1} and {@code localhost} into {@code targetDir}. */
    synchronized ServerCertificate issueServerCertificate(Path targetDir) {
        issued++;
        Path certificate = targetDir.resolve("server.pem");
        Path key = targetDir.resolve("server-key.pem");
        Path request = targetDir.resolve("server.csr");
        Subprocess.run(dir, OPENSSL_TIMEOUT, List.of(openssl, "req", "-config", config.toString(), "-new",
                "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", key.toString(), "-out", request.toString(), "-subj", "/CN=localhost"));
        Subprocess.run(dir, OPENSSL_TIMEOUT, List.of(openssl, "x509", "-req", "-in", request.toString(),
                "-CA", caCertificate.toString(), "-CAkey", caKey.toString(), "-set_serial", Integer.toString(issued),
                "-out", certificate.toString(), "-days", "2",
                "-extfile", config.toString(), "-extensions", "server_ext"));
        return new ServerCertificate(certificate, key);
    }

    Path caCertificate() {
        return caCertificate;
    }

    Path trustStore() {
        return trustStore;
    }

    /** A client context trusting exactly this authority. */
    SSLContext sslContext() {
        return sslContext;
    }

    private static Certificate readCertificate(Path pem) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(pem)) {
            return CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }
}
