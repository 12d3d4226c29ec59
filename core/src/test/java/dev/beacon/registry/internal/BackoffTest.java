package dev.beacon.registry.internal;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BackoffTest {

    private static final int SAMPLES = 200;

    @Test
    void nextDelayMillis_repeatedFailures_doubleTheStepWithJitterOfHalfAStep() {
        long[] steps = {100, 200, 400, 800, 1000, 1000, 1000};
        long[] lowest = new long[steps.length];
        long[] highest = new long[steps.length];
        java.util.Arrays.fill(lowest, Long.MAX_VALUE);
        for (int sample = 0; sample < SAMPLES; sample++) {
            Backoff backoff = new Backoff(100, 1000);
            for (int i = 0; i < steps.length; i++) {
                long delay = backoff.nextDelayMillis();

                assertThat(delay).as("delay %d", i + 1).isBetween(steps[i] / 2, steps[i]);
                lowest[i] = Math.min(lowest[i], delay);
                highest[i] = Math.max(highest[i], delay);
            }
            assertThat(backoff.failures()).isEqualTo(steps.length);
        }
        // jitter really spreads the delays over the range, and the delays really grow
        for (int i = 0; i < 4; i++) {
            assertThat(highest[i] - lowest[i]).as("spread of delay %d", i + 1).isGreaterThan(steps[i] / 4);
            assertThat(highest[i + 1]).as("delay %d grows", i + 2).isGreaterThan(highest[i]);
        }
    }

    @Test
    void nextDelayMillis_manyFailures_staysCappedAtMax() {
        Backoff backoff = new Backoff(200, 3333);
        for (int i = 0; i < 100; i++) {
            assertThat(backoff.nextDelayMillis()).isBetween(0L, 3333L);
        }
        assertThat(backoff.nextDelayMillis()).isGreaterThanOrEqualTo(3333 / 2);
    }

    @Test
    void reset_afterFailures_startsAgainAtTheInitialStep() {
        Backoff backoff = new Backoff(100, 1000);
        for (int sample = 0; sample < SAMPLES; sample++) {
            for (int i = 0; i < 10; i++) {
                backoff.nextDelayMillis();
            }

            backoff.reset();

            assertThat(backoff.failures()).isZero();
            assertThat(backoff.nextDelayMillis()).isBetween(50L, 100L);
            assertThat(backoff.failures()).isEqualTo(1);
        }
    }

    @Test
    void nextDelayMillis_initialAboveMax_isCappedFromTheStart() {
        Backoff backoff = new Backoff(5000, 1000);

        assertThat(backoff.nextDelayMillis()).isBetween(500L, 1000L);
    }
}
