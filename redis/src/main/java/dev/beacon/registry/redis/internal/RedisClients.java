package dev.beacon.registry.redis.internal;

import dev.beacon.support.Texts;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.RedisSentinelClient;
import redis.clients.jedis.UnifiedJedis;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Builds the Jedis client for a {@link RedisRegistryUri}: pool, timeouts, credentials, TLS. Building may connect
 * (Sentinel, Cluster).
 */
final class RedisClients {

    private RedisClients() {
    }

    static UnifiedJedis create(RedisRegistryUri uri) {
        GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
        pool.setMaxTotal(uri.poolMax());
        pool.setMaxIdle(uri.poolMax());
        pool.setMinIdle(0);
        pool.setMaxWait(uri.timeout());
        pool.setTestWhileIdle(true);
        pool.setJmxEnabled(false); // the agent must not start JMX in its host
        JedisClientConfig config = clientConfig(uri, uri.user().orElse(null), uri.password().orElse(null),
                uri.database());
        Set<HostAndPort> nodes = new LinkedHashSet<>();
        uri.addresses().forEach(a -> nodes.add(new HostAndPort(a.host(), a.port())));
        switch (uri.mode()) {
            case SENTINEL:
                return RedisSentinelClient.builder()
                        .masterName(uri.masterName().orElseThrow())
                        .sentinels(nodes)
                        .clientConfig(config)
                        .sentinelClientConfig(clientConfig(uri, uri.sentinelUser().orElse(null),
                                uri.sentinelPassword().orElse(null), 0))
                        .poolConfig(pool)
                        .build();
            case CLUSTER:
                return RedisClusterClient.builder()
                        .nodes(nodes)
                        .clientConfig(config)
                        .poolConfig(pool)
                        .maxAttempts(3)
                        .maxTotalRetriesDuration(uri.timeout().multipliedBy(3))
                        .build();
            default:
                return RedisClient.builder()
                        .hostAndPort(nodes.iterator().next())
                        .clientConfig(config)
                        .poolConfig(pool)
                        .build();
        }
    }

    private static JedisClientConfig clientConfig(RedisRegistryUri uri, String user, String password, int database) {
        DefaultJedisClientConfig.Builder builder = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis((int) uri.connectTimeout().toMillis())
                .socketTimeoutMillis((int) uri.timeout().toMillis())
                .clientName(uri.clientName())
                .database(database)
                .user(user)
                .password(password);
        if (uri.tls()) {
            builder.ssl(true).sslSocketFactory(socketFactory(uri));
            if (uri.verifyPeer()) {
                SSLParameters parameters = new SSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                builder.sslParameters(parameters);
            } else {
                builder.hostnameVerifier((host, session) -> true);
            }
        }
        return builder.build();
    }

    private static SSLSocketFactory socketFactory(RedisRegistryUri uri) {
        try {
            TrustManager[] trustManagers;
            if (!uri.verifyPeer()) {
                trustManagers = new TrustManager[]{new TrustAll()};
            } else if (uri.trustStore().isPresent()) {
                KeyStore store = KeyStore.getInstance(uri.trustStoreType());
                try (InputStream in = Files.newInputStream(uri.trustStore().get())) {
                    store.load(in, uri.trustStorePassword().map(String::toCharArray).orElse(null));
                }
                TrustManagerFactory factory = TrustManagerFactory.getInstance(
                        TrustManagerFactory.getDefaultAlgorithm());
                factory.init(store);
                trustManagers = factory.getTrustManagers();
            } else {
                return (SSLSocketFactory) SSLSocketFactory.getDefault();
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trustManagers, null);
            return context.getSocketFactory();
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalArgumentException("registry URI '" + uri + "': cannot load trust store "
                    + Texts.quote(uri.trustStore().map(Object::toString).orElse("")) + ": " + e.getMessage(), e);
        }
    }

    /** Only with {@code verify-peer=false}, which the registry warns about when it opens. */
    private static final class TrustAll implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
            // trusts everything: verify-peer=false
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            // trusts everything: verify-peer=false
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
