package dev.beacon.server.internal;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.Pipe;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class WorkerPoolTest {

    private final Deadlines deadlines = new Deadlines("test-deadlines");
    private final WorkerPool pool = new WorkerPool(1, 8, deadlines, Duration.ofMillis(100));

    @AfterEach
    void close() {
        pool.close();
        deadlines.close();
    }

    @Test
    void execute_readPhaseTooLong_blockedReadIsCutOff() throws Exception {
        Pipe pipe = Pipe.open();
        CompletableFuture<Throwable> failure = new CompletableFuture<>();

        pool.execute(() -> {
            try {
                pipe.source().read(ByteBuffer.allocate(8));
                failure.complete(null);
            } catch (IOException e) {
                failure.complete(e);
            }
        });

        assertThat(failure.get(5, TimeUnit.SECONDS)).isInstanceOf(ClosedByInterruptException.class);
        pipe.sink().close();
    }

    @Test
    void endReadPhase_inTime_noInterruptAfterwards() throws Exception {
        CompletableFuture<Boolean> interrupted = new CompletableFuture<>();

        pool.execute(() -> {
            try {
                pool.endReadPhase();
                Thread.sleep(300); // beyond the read timeout
                interrupted.complete(false);
            } catch (InterruptedException e) {
                interrupted.complete(true);
            } catch (IOException e) {
                interrupted.completeExceptionally(e);
            }
        });

        assertThat(interrupted.get(5, TimeUnit.SECONDS)).isFalse();
    }

    @Test
    void endReadPhase_afterTheDeadline_throws() throws Exception {
        CompletableFuture<Throwable> result = new CompletableFuture<>();

        pool.execute(() -> {
            long until = System.nanoTime() + 300_000_000L;
            while (System.nanoTime() < until) {
                Thread.onSpinWait(); // busy: the deadline can only set the interrupt flag
            }
            try {
                pool.endReadPhase();
                result.complete(null);
            } catch (IOException e) {
                result.complete(e);
            }
        });

        assertThat(result.get(5, TimeUnit.SECONDS)).hasMessage("the request was not read within 100 ms");
    }

    @Test
    void runCompensated_addsAThread_soOtherWorkStillRuns() throws Exception {
        CountDownLatch streaming = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        pool.execute(() -> {
            try {
                pool.endReadPhase();
                pool.runCompensated(() -> {
                    streaming.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertThat(streaming.await(5, TimeUnit.SECONDS)).isTrue();
        CountDownLatch other = new CountDownLatch(1);

        pool.execute(other::countDown); // the only regular thread is busy streaming

        assertThat(other.await(5, TimeUnit.SECONDS)).isTrue();
        release.countDown();
    }
}
