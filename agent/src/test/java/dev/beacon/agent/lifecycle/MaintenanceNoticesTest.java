package dev.beacon.agent.lifecycle;

import dev.beacon.ServiceInstance;
import dev.beacon.agent.logging.AgentLines;
import dev.beacon.agent.logging.AgentLog;
import dev.beacon.registry.InMemoryServiceRegistry;
import dev.beacon.registry.MaintenanceRequest;
import dev.beacon.registry.ServiceRegistry;
import dev.beacon.testing.Stderr;
import dev.beacon.testing.SwitchableRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MaintenanceNoticesTest {

    private static final long T0 = 1_000_000;
    private static final long HEARTBEAT = 3000;
    private static final ServiceInstance ME = ServiceInstance.builder("orders").id("me").host("127.0.0.1").port(8080)
            .build();

    private final InMemoryServiceRegistry registry = new InMemoryServiceRegistry();
    private final MaintenanceNotices notices = new MaintenanceNotices(Duration.ofMillis(HEARTBEAT));

    @BeforeEach
    void register() {
        AgentLog.setLevel("info"); // the level is process-wide; other tests change it
        registry.register(ME, Duration.ofMinutes(1));
    }

    @AfterEach
    void close() {
        registry.close();
    }

    private void maint(String reason, String by) {
        assertThat(registry.startMaintenance("orders", "me", MaintenanceRequest.untilLifted(reason, by))).isPresent();
    }

    /** The agent's lines while {@code checks} heartbeats pass, one check per heartbeat from {@code from}. */
    private List<String> linesOver(ServiceRegistry on, long from, int checks) throws Exception {
        return Stderr.linesDuring(() -> {
            for (int i = 0; i < checks; i++) {
                notices.checkIfDue(from + i * HEARTBEAT, on, ME);
            }
        }).stream().filter(AgentLines::isWellFormed).map(line -> line.substring(0, "[beacon] ".length())
                + AgentLines.message(line).orElseThrow()).toList(); // the time and level left out: they vary
    }

    @Test
    void checkIfDue_putInMaintenanceThenLifted_saysEachOnceHoweverManyHeartbeats() throws Exception {
        assertThat(linesOver(registry, T0, 3)).isEmpty();

        maint("kernel upgrade", "alice");
        List<String> inMaintenance = linesOver(registry, T0 + 3 * HEARTBEAT, 5);
        registry.endMaintenance("orders", "me");
        List<String> lifted = linesOver(registry, T0 + 8 * HEARTBEAT, 5);

        assertThat(inMaintenance).singleElement().asString()
                .startsWith("[beacon] orders id=me is in maintenance: 'kernel upgrade' by alice since ")
                .endsWith(", until lifted; clients do not choose it, the app keeps running");
        assertThat(lifted).containsExactly("[beacon] orders id=me is out of maintenance; clients choose it again");
    }

    @Test
    void checkIfDue_maintenanceChanged_saysItChangedOnce() throws Exception {
        maint("first", "alice");
        linesOver(registry, T0, 1);

        maint("second", "bob");

        assertThat(linesOver(registry, T0 + HEARTBEAT, 3)).singleElement().asString()
                .startsWith("[beacon] orders id=me: its maintenance changed: 'second' by bob since ");
    }

    @Test
    void checkIfDue_beforeTheNextHeartbeat_doesNotAsk() throws Exception {
        linesOver(registry, T0, 1);
        maint("x", "alice");

        assertThat(Stderr.linesDuring(() -> notices.checkIfDue(T0 + HEARTBEAT - 1, registry, ME))).isEmpty();
        assertThat(linesOver(registry, T0 + HEARTBEAT, 1)).hasSize(1);
    }

    @Test
    void checkIfDue_registryFailsOrKeepsNoMaintenance_saysNothingAndNeverThrows() throws Exception {
        SwitchableRegistry failing = new SwitchableRegistry(registry);
        failing.failing = true;
        maint("x", "alice");

        assertThat(linesOver(failing, T0, 3)).isEmpty();
        failing.failing = false;
        // SwitchableRegistry does not pass maintenance on: the default method says the registry keeps none
        assertThat(linesOver(failing, T0 + 3 * HEARTBEAT, 3)).isEmpty();
        assertThat(notices.known()).isEmpty();
    }
}
