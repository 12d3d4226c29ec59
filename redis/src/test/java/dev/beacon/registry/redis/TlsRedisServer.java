package dev.beacon.registry.redis;

import java.nio.file.Path;

/**
 * A {@link RedisServer} that accepts only TLS ({@code port 0}, {@code tls-port} = {@link #port()}), with a
 * certificate for {@code 127.0.0.1} and {@code localhost} (subject alternative names) made at test time. Clients
 * need no certificate of their own ({@code tls-auth-clients no}).
 *
 * <p>{@link #trustStore()} and {@link #caCertificate()} are what a client of this test is given: the test CA of the
 * {@link RedisServers} that started it, shared by all its TLS servers. For a server from
 * {@link RedisServers#tlsWithUntrustedCertificate()} a different CA signed the certificate, so a client using this
 * truststore must fail the handshake.
 */
public final class TlsRedisServer extends RedisServer {

    private final TestCertificates clientTrust;

    TlsRedisServer(Spec spec, TestCertificates clientTrust) {
        super(spec);
        this.clientTrust = clientTrust;
    }

    /** A PKCS12 truststore holding the test CA, for {@code javax.net.ssl.trustStore} or an {@code SSLContext}. */
    public Path trustStore() {
        return clientTrust.trustStore();
    }

    /** The password of {@link #trustStore()}. */
    public String trustStorePassword() {
        return TestCertificates.TRUST_STORE_PASSWORD;
    }

    /** The test CA's certificate, PEM, for {@code redis-cli --tls --cacert}. */
    public Path caCertificate() {
        return clientTrust.caCertificate();
    }
}
