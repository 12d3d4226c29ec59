package dev.beacon.registry.redis;

import dev.beacon.RegistryUnavailableException;
import dev.beacon.ServiceInstance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The registry contract over TLS (certificates made at test time), and the refusal of an untrusted server. */
class RedisTlsContractIT extends RedisContract {

    @RegisterExtension
    static RedisServers redis = new RedisServers();

    private static TlsRedisServer tls;

    @Override
    protected String baseUri() {
        if (tls == null) {
            tls = redis.tls();
        }
        return tls.uri() + "?truststore=" + URLEncoder.encode(tls.trustStore().toString(), StandardCharsets.UTF_8)
                + "&truststore-password=" + tls.trustStorePassword() + "&";
    }

    @Test
    void register_untrustedServerCertificate_isRefused() {
        TlsRedisServer untrusted = redis.tlsWithUntrustedCertificate();
        String uri = untrusted.uri().replace("rediss://", "rediss://:s3cret@") + "?truststore="
                + URLEncoder.encode(baseUriTrustStore(), StandardCharsets.UTF_8) + "&truststore-password="
                + tls.trustStorePassword();
        try (RedisServiceRegistry registry = RedisServiceRegistry.open(uri)) {
            RegistryUnavailableException e = assertThrows(RegistryUnavailableException.class, () -> registry.register(
                    ServiceInstance.builder("orders").host("10.0.0.1").port(80).build(), Duration.ofSeconds(5)));
            assertThat(e.getMessage()).contains(untrusted.address().toString()).doesNotContain("s3cret");
            boolean handshakeRefused = false;
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                handshakeRefused |= cause instanceof javax.net.ssl.SSLHandshakeException;
            }
            assertThat(handshakeRefused).as("an SSLHandshakeException in the causes of " + e).isTrue();
        }
    }

    @Test
    void register_plainTextClientOnTlsPort_fails() {
        baseUri();
        String plain = tls.uri().replace("rediss://", "redis://") + "?timeout=500ms&connect-timeout=500ms";
        try (RedisServiceRegistry registry = RedisServiceRegistry.open(plain)) {
            assertThrows(RegistryUnavailableException.class, () -> registry.instances("orders"));
        }
    }

    private String baseUriTrustStore() {
        baseUri();
        return tls.trustStore().toString();
    }
}
