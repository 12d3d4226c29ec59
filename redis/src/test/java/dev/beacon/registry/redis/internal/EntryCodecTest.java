package dev.beacon.registry.redis.internal;

import dev.beacon.Maintenance;
import dev.beacon.ServiceInstance;
import dev.beacon.Status;
import dev.beacon.registry.Lease;
import dev.beacon.registry.RegistryEvent;
import dev.beacon.testing.Stderr;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The stored and published JSON of the Redis registry, without Redis. */
class EntryCodecTest {

    private final EntryCodec codec = new EntryCodec("redis://127.0.0.1:6379");

    private static ServiceInstance instance(String service, String id) {
        return ServiceInstance.builder(service).id(id).host("10.0.0.5").port(8080).status(Status.DRAINING)
                .metadata("zone", "eu-1").ports(java.util.Map.of("admin", 9090)).build();
    }

    @Test
    void encode_thenInstances_roundTripsOrderedById() {
        String b = codec.encode(instance("orders", "b"), Duration.ofSeconds(9));
        String a = codec.encode(instance("orders", "a"), Duration.ofSeconds(9));

        assertThat(codec.instances("orders", List.of(List.of(b, a), List.of()))).containsExactly(instance("orders", "a"),
                instance("orders", "b"));
        assertThat(a).contains("\"ttlMillis\":9000");
    }

    @Test
    void leases_deadlineAndTtl_giveRenewedAtAndExpiresAt() {
        String entry = codec.encode(instance("orders", "a"), Duration.ofSeconds(9));

        List<Lease> leases = codec.leases("orders", List.of(List.of(entry, "1700000009000"), List.of()));

        assertThat(leases).containsExactly(new Lease(instance("orders", "a"), Instant.ofEpochMilli(1_700_000_000_000L),
                Instant.ofEpochMilli(1_700_000_009_000L)));
    }

    @Test
    void instances_entryOfAnotherServiceOrUnreadable_skippedWithOneWarningEach() throws Exception {
        String good = codec.encode(instance("orders", "good"), Duration.ofSeconds(9));
        String foreign = codec.encode(instance("payments", "p"), Duration.ofSeconds(9));

        List<String> logged = Stderr.linesDuring(() -> {
            for (int round = 0; round < 3; round++) {
                assertThat(codec.instances("orders", List.of(List.of(good, foreign, "{not json"), List.of()))).extracting(
                        ServiceInstance::id).containsExactly("good");
            }
        });

        assertThat(logged).hasSize(2).allMatch(l -> l.contains("skipping an unreadable entry of orders"));
        assertThat(logged).anyMatch(l -> l.contains("entry of payments in orders"));
    }

    @Test
    void message_change_isTheEventOfItsInstance() {
        String entry = codec.encode(instance("orders", "a"), Duration.ofSeconds(9));

        assertThat(codec.message("orders", "beacon:{orders}:events", "{\"type\":\"UPDATED\",\"instance\":" + entry
                + "}")).contains(new EntryCodec.Change(new RegistryEvent(RegistryEvent.Type.UPDATED,
                instance("orders", "a"))));
    }

    private static final String RECORD = "{\"v\":1,\"reason\":\"kernel \\/ upgrade\",\"by\":\"alice\","
            + "\"since\":1700000000000,\"until\":1700001800000}";
    private static final Maintenance MAINTENANCE = new Maintenance("kernel / upgrade", "alice",
            Instant.ofEpochMilli(1_700_000_000_000L), Optional.of(Instant.ofEpochMilli(1_700_001_800_000L)));

    @Test
    void instancesAndLeases_withMaintenanceRecords_showTheirInstancesInMaintenance() {
        String a = codec.encode(instance("orders", "a"), Duration.ofSeconds(9));
        String b = codec.encode(instance("orders", "b"), Duration.ofSeconds(9));
        List<Object> records = List.of("a", RECORD, "gone", RECORD);

        assertThat(codec.instances("orders", List.of(List.of(a, b), records))).containsExactly(
                instance("orders", "a").inMaintenance(MAINTENANCE), instance("orders", "b"));
        assertThat(codec.leases("orders", List.of(List.of(a, "1700000009000"), records)))
                .extracting(Lease::instance).containsExactly(instance("orders", "a").inMaintenance(MAINTENANCE));
        assertThat(codec.maintenance("orders", "a", RECORD)).contains(MAINTENANCE);
        assertThat(codec.maintenance("orders", "a", null)).isEmpty();
    }

    @Test
    void message_changeWithMaintenance_showsItsInstanceInMaintenance() {
        String entry = codec.encode(instance("orders", "a"), Duration.ofSeconds(9));

        assertThat(codec.message("orders", "beacon:{orders}:events", "{\"type\":\"REGISTERED\",\"instance\":" + entry
                + ",\"maintenance\":" + RECORD + "}")).contains(new EntryCodec.Change(new RegistryEvent(
                RegistryEvent.Type.REGISTERED, instance("orders", "a").inMaintenance(MAINTENANCE))));
    }

    @Test
    void instances_unreadableMaintenanceRecordOrEntryStoredInMaintenance_ignoredWithOneWarningEach() throws Exception {
        String a = codec.encode(instance("orders", "a"), Duration.ofSeconds(9));
        String stored = codec.encode(instance("orders", "b"), Duration.ofSeconds(9)).replace("\"status\":\"DRAINING\"",
                "\"status\":\"MAINTENANCE\",\"maintenance\":" + RECORD);

        List<String> logged = Stderr.linesDuring(() -> {
            for (int round = 0; round < 3; round++) {
                assertThat(codec.instances("orders", List.of(List.of(a, stored), List.of("a", "{\"reason\":1}"))))
                        .containsExactly(instance("orders", "a"));
            }
        });

        assertThat(logged).hasSize(2);
        assertThat(logged).anyMatch(l -> l.contains("ignoring an unreadable maintenance record of orders/'a'"));
        assertThat(logged).anyMatch(l -> l.contains("a registration is never stored in maintenance"));
    }

    @Test
    void message_marker_isRecognised() {
        assertThat(codec.message("orders", "beacon:{orders}:events", EntryCodec.marker("m-1")))
                .contains(new EntryCodec.Marker("m-1"));
    }

    /** A change published on one service's channel cannot reach the listeners of another service. */
    @Test
    void message_instanceOfAnotherService_isSkipped() throws Exception {
        String entry = codec.encode(instance("payments", "p"), Duration.ofSeconds(9));

        List<String> logged = Stderr.linesDuring(() -> assertThat(codec.message("orders", "beacon:{orders}:events",
                "{\"type\":\"REGISTERED\",\"instance\":" + entry + "}")).isEmpty());

        assertThat(logged).singleElement().asString().contains("skipping an unreadable event on beacon:{orders}:events",
                "entry of payments in orders");
    }

    @Test
    void message_unknownType_isQuotedOnOneLine() throws Exception {
        List<String> logged = Stderr.linesDuring(() -> assertThat(codec.message("orders", "beacon:{orders}:events",
                "{\"type\":\"EXPLODED\\n[main] INFO forged\",\"instance\":{}}")).isEmpty());

        assertThat(logged).singleElement().asString().contains("unknown change type 'EXPLODED\\x0a[main] INFO forged'");
    }
}
