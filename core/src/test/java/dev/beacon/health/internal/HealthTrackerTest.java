package dev.beacon.health.internal;

import dev.beacon.Maintenance;
import dev.beacon.ServiceInstance;
import dev.beacon.Status;
import dev.beacon.health.HealthThresholds;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class HealthTrackerTest {

    private final HealthTracker tracker = new HealthTracker(new HealthThresholds(2, 2));
    private final ServiceInstance up = ServiceInstance.builder("orders").id("o-1").host("10.0.0.1").port(80).build();
    private final ServiceInstance down = up.withStatus(Status.DOWN);

    /** Runs one whole round for {@code instance}; returns the write it called for, treating a write as done. */
    private Optional<Status> round(ServiceInstance instance, boolean passed) {
        tracker.beginRound();
        HealthTracker.Step step = tracker.step(instance, passed);
        tracker.remember(instance, step, step.write().isPresent());
        tracker.endRound();
        return step.write();
    }

    @Test
    void step_upInstanceFailingFallTimes_downThenUpAfterRisePasses() {
        assertThat(round(up, false)).isEmpty();
        assertThat(round(up, false)).contains(Status.DOWN);
        assertThat(round(down, true)).isEmpty();
        assertThat(round(down, true)).contains(Status.UP);
    }

    @Test
    void step_downSetByTheOwner_neverWrittenUp() {
        for (int i = 0; i < 5; i++) {
            assertThat(round(down, true)).isEmpty();
        }
    }

    @Test
    void step_startingOrDraining_neverWritten() {
        for (Status status : new Status[]{Status.STARTING, Status.DRAINING}) {
            for (int i = 0; i < 3; i++) {
                assertThat(round(up.withStatus(status), false)).isEmpty();
                assertThat(round(up.withStatus(status), true)).isEmpty();
            }
        }
    }

    @Test
    void step_inMaintenance_neverWritten_andADownOfTheCheckerIsWrittenUpOnceLifted() {
        ServiceInstance inMaintenance = up.inMaintenance(new Maintenance("kernel upgrade", "alice", Instant.EPOCH,
                Optional.empty()));
        round(up, false);
        assertThat(round(up, false)).contains(Status.DOWN);

        for (int i = 0; i < 3; i++) {
            assertThat(round(inMaintenance, true)).isEmpty();
            assertThat(round(inMaintenance, false)).isEmpty();
        }

        assertThat(round(down, true)).isEmpty();
        assertThat(round(down, true)).as("lifted: the checker's DOWN is its to undo").contains(Status.UP);
    }

    @Test
    void step_writeFailed_stillOwnersDownSoRetriedNextRound() {
        round(up, false);
        tracker.beginRound();
        HealthTracker.Step failedWrite = tracker.step(up, false);
        tracker.remember(up, failedWrite, false);
        tracker.endRound();

        assertThat(failedWrite.write()).contains(Status.DOWN);
        assertThat(round(up, false)).as("still registered UP: written again").contains(Status.DOWN);
    }

    @Test
    void round_leftUnfinished_changesNothing() {
        round(up, false);
        tracker.beginRound();
        tracker.remember(up, tracker.step(up, true), false);
        // no endRound(): closed while the round ran

        assertThat(round(up, false)).as("the failure before the unfinished round still counts").contains(Status.DOWN);
    }

    @Test
    void round_instanceNotSeen_isForgotten() {
        round(up, false);
        tracker.beginRound();
        tracker.endRound();

        assertThat(round(up, false)).as("its first failure again").isEmpty();
    }
}
