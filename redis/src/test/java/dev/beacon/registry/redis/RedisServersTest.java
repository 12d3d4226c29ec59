package dev.beacon.registry.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

class RedisServersTest {

    private static final String RULES = "~beacon:* &beacon:* +get +set +eval +evalsha +ping";

    @RegisterExtension
    static RedisServers redis = new RedisServers();

    @Test
    void standalone_ping_answersPong() {
        RedisServer server = redis.standalone();

        assertThat(server.command("PING")).isEqualTo("PONG");
        assertThat(server.uri()).isEqualTo("redis://127.0.0.1:" + server.port());
        assertThat(server.usedMemory()).isPositive();
    }

    @Test
    void standalone_startedWithoutPersistence_reportsItsConfiguration() {
        RedisServer server = redis.standalone();

        assertThat(server.command("CONFIG", "GET", "save")).isEqualTo("save\n");
        assertThat(server.command("CONFIG", "GET", "appendonly")).isEqualTo("appendonly\nno");
        assertThat(server.command("CONFIG", "GET", "dir")).isEqualTo("dir\n" + server.directory());
        assertThat(server.logFile()).exists();
    }

    @Test
    void withAcl_allowedCommands_succeed() {
        RedisServer server = redis.withAcl("beacon", "s3cret pass", RULES);

        assertThat(server.commandAs("beacon", "s3cret pass", "SET", "beacon:a", "1")).isEqualTo("OK");
        assertThat(server.commandAs("beacon", "s3cret pass", "EVAL", "return redis.call('GET', KEYS[1])", "1",
                "beacon:a")).isEqualTo("1");
    }

    @Test
    void withAcl_disallowedCommandOrKey_isRefusedWithNoperm() {
        RedisServer server = redis.withAcl("beacon", "s3cret", RULES);

        RedisCommandException flush = assertThrows(RedisCommandException.class,
                () -> server.commandAs("beacon", "s3cret", "FLUSHALL"));
        RedisCommandException otherKey = assertThrows(RedisCommandException.class,
                () -> server.commandAs("beacon", "s3cret", "SET", "other:a", "1"));

        assertThat(flush.code()).isEqualTo("NOPERM");
        assertThat(flush.getMessage()).contains("flushall");
        assertThat(otherKey.code()).isEqualTo("NOPERM");
        assertThat(server.command("DBSIZE")).isEqualTo("0");
    }

    @Test
    void withAcl_defaultUser_cannotLogIn() throws Exception {
        RedisServer server = redis.withAcl("beacon", "s3cret", RULES);

        RedisCommandException asDefault = assertThrows(RedisCommandException.class,
                () -> server.commandAs("default", "", "PING"));
        String unauthenticated = redisCli("-h", server.host(), "-p", Integer.toString(server.port()), "PING");

        assertThat(asDefault.code()).isEqualTo("WRONGPASS");
        assertThat(asDefault.getMessage()).doesNotContain("s3cret");
        assertThat(unauthenticated).contains("NOAUTH");
        assertThat(server.commandAs("beacon", "s3cret", "PING")).isEqualTo("PONG");
    }

    @Test
    void tls_redisCliWithCaCertificate_answersPong() throws Exception {
        TlsRedisServer server = redis.tls();

        String reply = redisCli("--tls", "--cacert", server.caCertificate().toString(),
                "-h", server.host(), "-p", Integer.toString(server.port()), "PING");

        assertThat(reply.strip()).isEqualTo("PONG");
        assertThat(server.uri()).isEqualTo("rediss://127.0.0.1:" + server.port());
    }

    @Test
    void tls_javaClientWithTrustStore_verifiesCertificateAndHostName() throws Exception {
        TlsRedisServer server = redis.tls();

        try (RespConnection connection = RespConnection.open(server.host(), server.port(), clientContext(server),
                Duration.ofSeconds(5))) {
            assertThat(connection.call("PING")).isEqualTo("PONG");
        }
    }

    @Test
    void tls_plainTextConnection_fails() {
        TlsRedisServer server = redis.tls();

        assertThrows(IOException.class, () -> {
            try (RespConnection connection = RespConnection.open(server.host(), server.port(), null,
                    Duration.ofSeconds(5))) {
                connection.call("PING");
            }
        });
        assertThat(server.command("PING")).isEqualTo("PONG");
    }

    @Test
    void tlsWithUntrustedCertificate_clientWithTrustStore_failsHandshake() throws Exception {
        TlsRedisServer server = redis.tlsWithUntrustedCertificate();
        SSLContext context = clientContext(server);

        SSLHandshakeException refused = assertThrows(SSLHandshakeException.class,
                () -> RespConnection.open(server.host(), server.port(), context, Duration.ofSeconds(5)).close());
        String cli = redisCli("--tls", "--cacert", server.caCertificate().toString(),
                "-h", server.host(), "-p", Integer.toString(server.port()), "PING");

        assertThat(refused.getMessage()).contains("PKIX");
        assertThat(cli).doesNotContain("PONG").containsIgnoringCase("certificate");
        assertThat(server.command("PING")).isEqualTo("PONG");
    }

    @Test
    void restart_afterKill_comesBackEmptyOnTheSamePort() {
        RedisServer server = redis.standalone();
        int port = server.port();
        server.command("SET", "beacon:a", "1");

        server.kill();

        assertThat(server.isRunning()).isFalse();
        assertThrows(UncheckedIOException.class, () -> server.command("PING"));

        server.restart();

        assertThat(server.isRunning()).isTrue();
        assertThat(server.port()).isEqualTo(port);
        assertThat(server.command("DBSIZE")).isEqualTo("0");
        assertThat(server.command("GET", "beacon:a")).isEmpty();
    }

    @Test
    void stop_runningServer_shutsItDownAndFreesThePort() {
        RedisServer server = redis.standalone();

        server.stop();

        assertThat(server.isRunning()).isFalse();
        assertThrows(UncheckedIOException.class, () -> server.command("PING"));
    }

    @Test
    void stopAll_startedServers_killsThemAndDeletesTheirFiles() {
        RedisServers own = new RedisServers();
        RedisServer server = own.standalone();

        own.stopAll();

        assertThat(server.isRunning()).isFalse();
        assertThat(server.directory()).doesNotExist();
        assertThat(server.directory().getParent()).doesNotExist();
    }

    @Test
    void sentinel_failover_makesTheReplicaMasterWithTheData() {
        try (SentinelSetup setup = redis.sentinel("beacon")) {
            RedisServer former = setup.master();
            RedisServer replica = setup.replica();
            former.command("SET", "beacon:a", "1");
            assertThat(former.command("WAIT", "1", "5000")).isEqualTo("1");

            RedisServer promoted = setup.failover();

            assertThat(promoted).isSameAs(replica).isSameAs(setup.master());
            assertThat(setup.replica()).isSameAs(former);
            assertThat(promoted.command("ROLE")).startsWith("master");
            assertThat(promoted.command("GET", "beacon:a")).isEqualTo("1");
            for (RedisServer sentinel : setup.sentinelServers()) {
                assertThat(sentinel.command("SENTINEL", "GET-MASTER-ADDR-BY-NAME", "beacon"))
                        .isEqualTo("127.0.0.1\n" + promoted.port());
            }
            assertThat(setup.sentinels()).hasSize(3).extracting(Address::port).doesNotContain(former.port());
        }
    }

    @Test
    void sentinel_killMaster_sentinelsPromoteTheReplica() {
        SentinelSetup setup = redis.sentinel("beacon-kill");
        RedisServer replica = setup.replica();

        setup.killMaster();
        RedisServer promoted = setup.awaitFailover();

        assertThat(promoted).isSameAs(replica);
        assertThat(setup.replica().isRunning()).isFalse();
        assertThat(promoted.command("ROLE")).startsWith("master");

        setup.close();

        assertThat(setup.sentinelServers()).noneMatch(RedisServer::isRunning);
        assertThat(promoted.isRunning()).isFalse();
    }

    @Test
    void cluster_keysWithDifferentHashTags_landOnDifferentNodes() {
        try (ClusterSetup cluster = redis.cluster()) {
            String first = "{beacon-0}:a";
            String second = null;
            for (int i = 1; second == null; i++) {
                String key = "{beacon-" + i + "}:a";
                if (cluster.nodeForKey(key) != cluster.nodeForKey(first)) {
                    second = key;
                }
            }
            RedisServer firstNode = cluster.nodeForKey(first);
            RedisServer secondNode = cluster.nodeForKey(second);
            String secondKey = second;

            firstNode.command("SET", first, "1");
            secondNode.command("SET", second, "2");
            RedisCommandException moved = assertThrows(RedisCommandException.class,
                    () -> firstNode.command("SET", secondKey, "2"));

            assertThat(moved.code()).isEqualTo("MOVED");
            assertThat(moved.error()).endsWith("127.0.0.1:" + secondNode.port());
            assertThat(firstNode.command("DBSIZE")).isEqualTo("1");
            assertThat(secondNode.command("GET", second)).isEqualTo("2");
            for (RedisServer node : cluster.nodes()) {
                assertThat(node.command("CLUSTER", "INFO")).contains("cluster_state:ok", "cluster_size:3");
            }
        }
    }

    @Test
    void locate_redisMissingNotRequired_abortsWithInstallHint() {
        TestAbortedException skipped = assertThrows(TestAbortedException.class,
                () -> RedisBinaries.locate("/nonexistent", false));

        assertThat(skipped.getMessage()).contains("redis-server is not on the PATH", "apt-get install redis-server",
                "-Dbeacon.redis.required=true");
    }

    @Test
    void locate_redisMissingAndRequired_fails() {
        AssertionFailedError failed = assertThrows(AssertionFailedError.class,
                () -> RedisBinaries.locate("/nonexistent", true));

        assertThat(failed.getMessage()).contains("redis-server is not on the PATH",
                "-Dbeacon.redis.required=true makes that a failure", "apt-get install redis-server");
    }

    private static SSLContext clientContext(TlsRedisServer server) throws Exception {
        KeyStore trustStore = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(server.trustStore())) {
            trustStore.load(in, server.trustStorePassword().toCharArray());
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trustStore);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    /** Runs redis-cli and returns what it printed, whatever its exit code. */
    private static String redisCli(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("redis-cli"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String printed = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).as("redis-cli finished").isTrue();
        return printed;
    }
}
