package dev.beacon.server.internal;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.Pipe;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DeadlinesTest {

    private final Deadlines deadlines = new Deadlines("test-deadlines");

    @AfterEach
    void close() {
        deadlines.close();
    }

    @Test
    void within_blockedChannelRead_isCutOffAndTheChannelClosed() throws IOException {
        Pipe pipe = Pipe.open();
        long started = System.nanoTime();

        assertThrows(ClosedByInterruptException.class, () -> deadlines.within(Duration.ofMillis(100),
                () -> pipe.source().read(ByteBuffer.allocate(16))));

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        assertThat(pipe.source().isOpen()).isFalse();
        assertThat(Thread.currentThread().isInterrupted()).as("the interrupt is cleared").isFalse();
        pipe.sink().close();
    }

    @Test
    void disarm_beforeTheTimeout_neverInterruptsLater() throws Exception {
        deadlines.within(Duration.ofMillis(50), () -> { });
        Thread.sleep(150);

        assertThat(Thread.interrupted()).isFalse();
    }

    @Test
    void disarm_afterItFired_returnsTrue_andClearsTheInterrupt() throws Exception {
        AtomicReference<Boolean> fired = new AtomicReference<>();
        Thread worker = new Thread(() -> {
            Deadlines.Deadline deadline = deadlines.arm(Duration.ofMillis(20));
            try {
                Thread.sleep(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            fired.set(deadline.disarm());
            fired.set(fired.get() && !Thread.currentThread().isInterrupted());
        });
        worker.start();
        worker.join(5000);

        assertThat(fired.get()).isTrue();
    }
}
