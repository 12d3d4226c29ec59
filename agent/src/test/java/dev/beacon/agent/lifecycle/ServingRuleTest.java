package dev.beacon.agent.lifecycle;

import dev.beacon.ServiceInstance;
import dev.beacon.Status;
import dev.beacon.agent.config.AgentConfig;
import dev.beacon.agent.config.AgentConfigParser;
import dev.beacon.agent.detect.Listener;
import dev.beacon.agent.detect.ProcNetListeners;
import dev.beacon.registry.InMemoryServiceRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The serving rule (a listener closed before the app serves is never registered) and the port roles (the primary is
 * the app's own port whatever the bind order; side ports named by their role), on the loop with a fake clock.
 */
class ServingRuleTest {

    private static final String SERVICE = "orders";
    private static final long T0 = 5_000_000;

    private final InMemoryServiceRegistry memory = new InMemoryServiceRegistry(
            Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC), Duration.ofMillis(100));
    private final List<ServerSocketChannel> channels = new ArrayList<>();
    private final Handoff handoff = new Handoff();
    private AgentLoop loop;

    @AfterEach
    void closeAll() throws IOException {
        if (loop != null) {
            loop.shutdown();
        }
        for (ServerSocketChannel channel : channels) {
            channel.close();
        }
        memory.close();
    }

    private AgentLoop loop(String extraArgs) {
        AgentConfig config = AgentConfigParser.parse("service=" + SERVICE + ",ttl=3s" + extraArgs, Map.of(), Map.of());
        loop = new AgentLoop(config, () -> memory, Set.of(), "id-1", new ProcNetListeners(Path.of("/nonexistent")),
                SelfCheck.of(config), handoff, ListenerTracker.SERVING_GRACE_MILLIS);
        assertThat(loop.openRegistry()).isTrue();
        return loop;
    }

    private ServerSocketChannel bound() throws IOException {
        ServerSocketChannel channel = ServerSocketChannel.open();
        channels.add(channel);
        channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        return channel;
    }

    private static int port(ServerSocketChannel channel) throws IOException {
        return ((InetSocketAddress) channel.getLocalAddress()).getPort();
    }

    private List<ServiceInstance> registered() {
        return memory.instances(SERVICE);
    }

    @Test
    void step_throwawaySocketClosedBeforeServing_isNeverRegistered() throws IOException {
        AgentLoop loop = loop("");
        ServerSocketChannel throwaway = bound();
        loop.onBind(throwaway);
        loop.step(T0);
        assertThat(registered()).isEmpty();

        throwaway.close();
        for (long t = T0; t <= T0 + 2_000; t += 50) {
            loop.step(t);
            assertThat(registered()).as("at +%d ms", t - T0).isEmpty();
        }
    }

    @Test
    void step_listenerHeldOpenWithoutAcceptOrSelector_isRegisteredAfterTheGrace() throws IOException {
        AgentLoop loop = loop("");
        ServerSocketChannel channel = bound();
        loop.onBind(channel);

        loop.step(T0);
        loop.step(T0 + ListenerTracker.SERVING_GRACE_MILLIS - 1);
        assertThat(registered()).isEmpty();
        loop.step(T0 + ListenerTracker.SERVING_GRACE_MILLIS);
        assertThat(registered()).singleElement().extracting(ServiceInstance::port).isEqualTo(port(channel));
    }

    @Test
    void step_listenerTheAppAcceptsOn_isRegisteredAtOnce() throws IOException {
        AgentLoop loop = loop("");
        ServerSocketChannel channel = bound();
        loop.onBind(channel);
        handoff.servingSignal().accept(channel); // what the accept hook calls

        loop.step(T0);

        assertThat(registered()).singleElement().extracting(ServiceInstance::port).isEqualTo(port(channel));
    }

    @Test
    void step_servingSignalBeforeTheBind_asNettyRegistersFirst_isRegisteredAtOnce() throws IOException {
        AgentLoop loop = loop("");
        ServerSocketChannel channel = ServerSocketChannel.open();
        channels.add(channel);
        handoff.servingSignal().accept(channel); // registered with its selector while unbound
        loop.step(T0);
        channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        loop.onBind(channel);

        loop.step(T0 + 1);

        assertThat(registered()).singleElement().extracting(ServiceInstance::port).isEqualTo(port(channel));
    }

    @Test
    void servingSignal_clientChannelsAndRepeats_queueNothing() throws IOException {
        ServerSocketChannel channel = bound();
        handoff.servingSignal().accept(channel);
        assertThat(handoff.poll()).isInstanceOf(Handoff.Serving.class);

        handoff.servingSignal().accept(channel); // the next accept on the same socket
        handoff.servingSignal().accept(java.nio.channels.SocketChannel.open()); // a client channel registering
        assertThat(handoff.poll()).isNull();
    }

    // ---- port roles

    private static Map<Integer, Listener> listeners(ServerSocketChannel... bound) throws IOException {
        Map<Integer, Listener> listeners = new LinkedHashMap<>();
        for (ServerSocketChannel channel : bound) {
            listeners.put(port(channel), Listener.ofSocket(channel));
        }
        return listeners;
    }

    @Test
    void desired_managementBoundFirst_byItsStack_isNotPrimaryAndIsNamedManagement() throws IOException {
        AgentConfig config = AgentConfigParser.parse("service=orders", Map.of(), Map.of());
        ServerSocketChannel management = bound();
        ServerSocketChannel app = bound();

        ServiceInstance desired = new InstanceFromListeners(config, "id-1").desired(listeners(management, app),
                Map.of(port(management), "management"), Status.UP);

        assertThat(desired.port()).isEqualTo(port(app));
        assertThat(desired.ports()).containsExactly(Map.entry("management", port(management)));
    }

    @Test
    void desired_declaredManagementPortBoundFirst_isNotPrimary() throws IOException {
        ServerSocketChannel admin = bound();
        ServerSocketChannel app = bound();
        AgentConfig config = AgentConfigParser.parse("service=orders,ports=admin:" + port(admin), Map.of(), Map.of());

        ServiceInstance desired = new InstanceFromListeners(config, "id-1").desired(listeners(admin, app), Map.of(),
                Status.UP);

        assertThat(desired.port()).isEqualTo(port(app));
        assertThat(desired.ports()).containsExactly(Map.entry("admin", port(admin)));
    }

    @Test
    void desired_onlySidePorts_theFirstIsPrimaryStill() throws IOException {
        AgentConfig config = AgentConfigParser.parse("service=orders", Map.of(), Map.of());
        ServerSocketChannel jmx = bound();

        ServiceInstance desired = new InstanceFromListeners(config, "id-1").desired(listeners(jmx),
                Map.of(port(jmx), "jmx"), Status.UP);

        assertThat(desired.port()).isEqualTo(port(jmx));
    }

    @Test
    void desired_grpcRole_namesTheExtraPort() throws IOException {
        AgentConfig config = AgentConfigParser.parse("service=orders", Map.of(), Map.of());
        ServerSocketChannel http = bound();
        ServerSocketChannel grpc = bound();

        ServiceInstance desired = new InstanceFromListeners(config, "id-1").desired(listeners(http, grpc),
                Map.of(port(grpc), "grpc"), Status.UP);

        assertThat(desired.port()).isEqualTo(port(http));
        assertThat(desired.ports()).containsExactly(Map.entry("grpc", port(grpc)));
    }
}
