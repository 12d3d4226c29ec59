package dev.beacon.registry.redis.internal;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The Cluster index's memory of nominations, on a fake monotonic clock. */
class NominationsTest {

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final Nominations nominations = new Nominations(nanos::get);

    private void advanceMillis(long millis) {
        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
    }

    @Test
    void ttl_unknownInstance_isMinusOneAndDue() {
        assertThat(nominations.ttl("orders/a")).isEqualTo(-1);
        assertThat(nominations.due("orders/a")).isTrue();
    }

    @Test
    void due_nominatedForThreeTtls_onlyOnceLessThanTwoTtlsAreLeft() {
        nominations.nominated("orders/a", 9_000, 27_000);

        assertThat(nominations.ttl("orders/a")).isEqualTo(9_000);
        assertThat(nominations.due("orders/a")).isFalse();
        advanceMillis(8_999);
        assertThat(nominations.due("orders/a")).isFalse();
        advanceMillis(2);
        assertThat(nominations.due("orders/a")).isTrue();
    }

    /** A registration elsewhere lengthened the lease: the nomination must be renewed before it lapses. */
    @Test
    void due_renewalReportsLongerTtl_dueAtOnce() {
        nominations.nominated("orders/a", 1_000, 3_000);

        nominations.renewed("orders/a", 60_000);

        assertThat(nominations.ttl("orders/a")).isEqualTo(60_000);
        assertThat(nominations.due("orders/a")).isTrue();
    }

    @Test
    void renewed_unknownInstance_staysUnknown() {
        nominations.renewed("orders/a", 9_000);

        assertThat(nominations.ttl("orders/a")).isEqualTo(-1);
    }

    @Test
    void forget_removesTheInstance() {
        nominations.nominated("orders/a", 9_000, 27_000);

        nominations.forget("orders/a");

        assertThat(nominations.size()).isZero();
    }

    /**
     * Bug: the Cluster index remembered the ttl and nomination time of every instance a handle ever registered,
     * until deregistered through that same handle: a long-lived handle (the HTTP server) whose registrants crashed
     * grew without bound.
     */
    @Test
    void nominated_lapsedEntries_areDroppedNowAndThen() {
        for (int i = 0; i < 100; i++) {
            nominations.nominated("orders/dead-" + i, 1_000, 3_000);
        }
        advanceMillis(TimeUnit.MINUTES.toMillis(2));

        nominations.nominated("orders/alive", 1_000, 3_000);

        assertThat(nominations.size()).isEqualTo(1);
        assertThat(nominations.ttl("orders/alive")).isEqualTo(1_000);
    }

    @Test
    void nominated_entriesStillNominated_areKept() {
        nominations.nominated("orders/long", 3_600_000, 10_800_000);
        advanceMillis(TimeUnit.MINUTES.toMillis(2));

        nominations.nominated("orders/other", 1_000, 3_000);

        assertThat(nominations.size()).isEqualTo(2);
    }
}
