package dev.beacon.registry.zookeeper;

import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The test support's own promises: servers serve when returned, with the tick asked for, and are stopped. */
class ZooKeeperServersTest {

    @RegisterExtension
    static ZooKeeperServers zookeeper = new ZooKeeperServers();

    /** The session timeout a server grants a client asking for {@code requestedMillis} (at most 20 ticks). */
    private static int negotiatedSessionTimeout(String connectString, int requestedMillis) throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper client = new ZooKeeper(connectString, requestedMillis, event -> {
            if (event.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        });
        try {
            assertThat(connected.await(10, TimeUnit.SECONDS)).as("connected to " + connectString).isTrue();
            return client.getSessionTimeout();
        } finally {
            client.close();
        }
    }

    private static boolean listening(int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1_000);
            return true;
        } catch (ConnectException refused) {
            return false;
        }
    }

    @Test
    void standalone_servesWhenReturned_withZooKeepersDefaultTick() throws Exception {
        TestingServer server = zookeeper.standalone();

        assertThat(listening(server.getPort())).isTrue();
        assertThat(negotiatedSessionTimeout(server.getConnectString(), 60_000)).as("20 ticks of the default")
                .isGreaterThan(20 * ZooKeeperServers.FAST_TICK_MILLIS);
    }

    @Test
    void fastTicks_grantsSessionsOfAtMostTwentyFastTicks() throws Exception {
        TestingServer server = zookeeper.fastTicks();

        assertThat(negotiatedSessionTimeout(server.getConnectString(), 60_000))
                .isEqualTo(20 * ZooKeeperServers.FAST_TICK_MILLIS);
    }

    @Test
    void ensemble_threeServers_serving() throws Exception {
        TestingCluster cluster = zookeeper.ensemble(3);

        assertThat(cluster.getInstances()).hasSize(3);
        for (InstanceSpec spec : cluster.getInstances()) {
            assertThat(listening(spec.getPort())).as("ensemble member on " + spec.getPort()).isTrue();
        }
        assertThat(negotiatedSessionTimeout(cluster.getConnectString(), 6_000)).isPositive();
    }

    @Test
    void ensemble_sizeBelowOne_refusedNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> zookeeper.ensemble(0));

        assertThat(e).hasMessage("size must be at least 1, but was 0");
    }

    @Test
    void stopAll_startedServers_stopsThem_evenOnesClosedAlready() throws Exception {
        ZooKeeperServers servers = new ZooKeeperServers();
        TestingServer standalone = servers.standalone();
        TestingServer closedEarly = servers.fastTicks();
        TestingCluster cluster = servers.ensemble(3);
        closedEarly.close();
        assertThat(listening(standalone.getPort())).isTrue();

        servers.stopAll();

        assertThat(listening(standalone.getPort())).isFalse();
        assertThat(listening(closedEarly.getPort())).isFalse();
        for (InstanceSpec spec : cluster.getInstances()) {
            assertThat(listening(spec.getPort())).as("ensemble member on " + spec.getPort()).isFalse();
        }
    }
}
