package dev.beacon;

import dev.beacon.registry.MaintenanceRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

class MaintenanceTest {

    private static final Instant NOW = Instant.parse("2026-12-05T14:31:51.123Z");
    private static final ServiceInstance ORDERS = ServiceInstance.builder("orders").id("a").host("10.0.0.5")
            .port(8080).build();

    @Test
    void inForceAt_untilItsDeadline_orForeverWithoutOne() {
        Maintenance timed = new Maintenance("deploy", "ci", NOW, Optional.of(NOW.plusSeconds(60)));
        Maintenance open = new Maintenance("", "alice", NOW, Optional.empty());

        assertThat(timed.inForceAt(NOW.plusSeconds(59))).isTrue();
        assertThat(timed.inForceAt(NOW.plusSeconds(60))).isFalse();
        assertThat(open.inForceAt(NOW.plus(Duration.ofDays(10_000)))).isTrue();
    }

    @Test
    void new_deadlineNotAfterStart_throwsNamingBoth() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Maintenance("x", "alice", NOW, Optional.of(NOW)));

        assertThat(e.getMessage()).isEqualTo("maintenance must end after it began (" + NOW + "), but until was "
                + NOW);
    }

    @ParameterizedTest
    @ValueSource(strings = {"two\nlines", "tab\there", "bell\u0007", "sep\u2028arator"})
    void new_reasonWithControlCharacter_throwsQuotingIt(String reason) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Maintenance(reason, "alice", NOW, Optional.empty()));

        assertThat(e.getMessage()).startsWith("maintenance reason must be one line without control characters, "
                + "but was '");
    }

    @Test
    void new_reasonOrByOutOfBounds_throwsWithTheLength() {
        IllegalArgumentException longReason = assertThrows(IllegalArgumentException.class,
                () -> new Maintenance("r".repeat(257), "alice", NOW, Optional.empty()));
        IllegalArgumentException emptyBy = assertThrows(IllegalArgumentException.class,
                () -> new Maintenance("", "", NOW, Optional.empty()));

        assertThat(longReason.getMessage()).startsWith("maintenance reason must have 0 to 256 characters, but had 257");
        assertThat(emptyBy.getMessage()).isEqualTo("maintenance 'by' (who put it in maintenance) must have 1 to 128 "
                + "characters, but had 0: ''");
        assertThat(new Maintenance("r".repeat(256), "b".repeat(128), NOW, Optional.empty()).reason()).hasSize(256);
    }

    @Test
    void serviceInstance_inMaintenance_showsStatusAndDetails_withStatusDropsThem() {
        Maintenance m = new Maintenance("kernel upgrade", "alice", NOW, Optional.empty());

        ServiceInstance shown = ORDERS.inMaintenance(m);

        assertThat(shown.status()).isEqualTo(Status.MAINTENANCE);
        assertThat(shown.maintenance()).contains(m);
        assertThat(shown.withStatus(Status.UP)).isEqualTo(ORDERS);
        assertThat(ORDERS.maintenance()).isEmpty();
    }

    @Test
    void serviceInstance_statusMaintenanceWithoutDetails_isRefusedForRegistration() {
        IllegalArgumentException built = assertThrows(IllegalArgumentException.class,
                () -> ORDERS.toBuilder().status(Status.MAINTENANCE).build());
        IllegalArgumentException changed = assertThrows(IllegalArgumentException.class,
                () -> ORDERS.withStatus(Status.MAINTENANCE));

        assertThat(built.getMessage()).isEqualTo("status MAINTENANCE is not registered: an operator sets it with "
                + "'beacon maint' (ServiceRegistry.startMaintenance), and a registry shows it; register STARTING, UP, "
                + "DOWN or DRAINING");
        assertThat(changed.getMessage()).isEqualTo(built.getMessage());
    }

    @Test
    void serviceInstance_detailsWithAnotherStatus_areRefused() {
        Maintenance m = new Maintenance("x", "alice", NOW, Optional.empty());

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ServiceInstance(
                "orders", "a", "h", 1, Status.UP, java.util.Map.of(), java.util.Map.of(), Optional.of(m)));

        assertThat(e.getMessage()).isEqualTo("an instance in maintenance has the status MAINTENANCE, but was UP");
    }

    @Test
    void request_durationOutOfBounds_throwsNamingItAndTheBounds() {
        for (Duration bad : new Duration[]{Duration.ZERO, Duration.ofMillis(999), Duration.ofSeconds(-1),
            Duration.ofDays(365).plusMillis(1)}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> MaintenanceRequest.lasting("x", "alice", bad));
            assertThat(e.getMessage()).as(bad.toString()).startsWith("maintenance duration must be between 1s and "
                    + "365d, but was '");
        }
        assertThat(MaintenanceRequest.lasting("x", "alice", Duration.ofDays(365)).duration())
                .contains(Duration.ofDays(365));
    }

    @Test
    void request_recordAt_startsNowOrKeepsTheStartOfOneInForce() {
        MaintenanceRequest request = MaintenanceRequest.lasting("deploy", "ci", Duration.ofMinutes(30));
        Maintenance earlier = new Maintenance("first", "alice", NOW.minusSeconds(600), Optional.empty());
        Maintenance ended = new Maintenance("first", "alice", NOW.minusSeconds(600),
                Optional.of(NOW.minusSeconds(1)));

        assertThat(request.recordAt(NOW, Optional.empty())).isEqualTo(new Maintenance("deploy", "ci", NOW,
                Optional.of(NOW.plus(Duration.ofMinutes(30)))));
        assertThat(request.recordAt(NOW, Optional.of(earlier)).since()).isEqualTo(NOW.minusSeconds(600));
        assertThat(request.recordAt(NOW, Optional.of(ended)).since()).isEqualTo(NOW);
        assertThat(MaintenanceRequest.untilLifted("r", "b").recordAt(NOW, Optional.empty()).until()).isEmpty();
    }
}
