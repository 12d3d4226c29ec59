package dev.beacon.health.internal;

import dev.beacon.ServiceInstance;
import dev.beacon.Status;
import dev.beacon.health.HealthState;
import dev.beacon.health.HealthThresholds;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A health checker's memory between rounds: per instance, its rise/fall {@link HealthState} and whether the checker
 * itself took it down, and from these the status change one more result calls for. An {@code UP} instance that
 * fails {@code fall} checks in a row is to be written {@code DOWN}; one the checker took down is to be written
 * {@code UP} after {@code rise} passes in a row. {@code STARTING} and {@code DRAINING} belong to the instance's owner
 * and are never to be written, nor a {@code DOWN} the owner set. An instance an operator holds in
 * {@code MAINTENANCE} is never written either, and whether the checker took it down is remembered across the
 * maintenance (the registry keeps that {@code DOWN} under it), so that once lifted it is written {@code UP} when it
 * passes. An instance not seen in a round is forgotten.
 *
 * <p>A round is {@link #beginRound()}, then {@link #step} and {@link #remember} per instance, then {@link #endRound()};
 * a round left unfinished changes nothing. Not thread-safe: the checker runs one round at a time.
 */
public final class HealthTracker {

    private record Key(String service, String id) {
        static Key of(ServiceInstance instance) {
            return new Key(instance.service(), instance.id());
        }
    }

    private record Tracked(HealthState state, boolean downedByChecker) {
    }

    /**
     * What one result leads to.
     *
     * @param state           the rise/fall state after the result
     * @param downedByChecker whether the instance is DOWN because the checker wrote it so (before any write below)
     * @param write           the status to write to the registry, if any
     */
    public record Step(HealthState state, boolean downedByChecker, Optional<Status> write) {
    }

    private final HealthThresholds thresholds;
    private Map<Key, Tracked> tracked = new HashMap<>();
    private Map<Key, Tracked> next = new HashMap<>();

    public HealthTracker(HealthThresholds thresholds) {
        this.thresholds = thresholds;
    }

    public void beginRound() {
        next = new HashMap<>();
    }

    /** The step for {@code instance}, as registered when the round read it, after a check that {@code passed}. */
    public Step step(ServiceInstance instance, boolean passed) {
        Tracked previous = tracked.get(Key.of(instance));
        Status registered = instance.status();
        HealthState state = previous == null ? HealthState.starting() : previous.state();
        boolean downedByChecker = previous != null && previous.downedByChecker()
                && (registered == Status.DOWN || registered == Status.MAINTENANCE);
        if (state.status() == Status.STARTING) {
            // Never passed under this checker: take over what the owner says, so that an UP instance can fall.
            state = state.withStatus(HealthState.assuming(registered).status());
        }
        state = thresholds.next(state, passed);
        Optional<Status> write = Optional.empty();
        if (registered == Status.UP && state.status() == Status.DOWN) {
            write = Optional.of(Status.DOWN);
        } else if (registered == Status.DOWN && downedByChecker && state.status() == Status.UP) {
            write = Optional.of(Status.UP);
        }
        return new Step(state, downedByChecker, write);
    }

    /** Keeps the outcome of {@code step} for the next round; {@code written} says whether its write succeeded. */
    public void remember(ServiceInstance instance, Step step, boolean written) {
        boolean downedByChecker = written ? step.write().orElseThrow() == Status.DOWN : step.downedByChecker();
        next.put(Key.of(instance), new Tracked(step.state(), downedByChecker));
    }

    /** Makes this round's memory the one the next round reads; instances it did not see are forgotten. */
    public void endRound() {
        tracked = next;
        next = new HashMap<>();
    }
}
