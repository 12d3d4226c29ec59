package dev.beacon.support;

import org.junit.jupiter.api.Test;
import org.slf4j.helpers.NOPLogger;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SupportTest {

    @Test
    void quote_controlCharactersAndLength_areMadeSafe() {
        assertThat(Texts.quote("orders")).isEqualTo("'orders'");
        assertThat(Texts.quote("a\nb\u007f")).isEqualTo("'a\\x0ab\\x7f'");
        assertThat(Texts.quote(null)).isEqualTo("null");
        assertThat(Texts.quote("x".repeat(100))).isEqualTo("'" + "x".repeat(80) + "'…(100 chars)");
    }

    @Test
    void warnOnce_sameKey_logsOnceUntilReset() {
        WarnOnce once = new WarnOnce(NOPLogger.NOP_LOGGER);

        assertThat(once.warn("k", "first")).isTrue();
        assertThat(once.warn("k", "again")).isFalse();
        assertThat(once.warned("k")).isTrue();
        once.reset("k");
        assertThat(once.warn("k", "after reset")).isTrue();
    }

    @Test
    void warnOnce_manyKeys_remembersABoundedNumber() {
        WarnOnce once = new WarnOnce(NOPLogger.NOP_LOGGER);
        for (int i = 0; i < WarnOnce.MAX_KEYS; i++) {
            once.warn("k" + i, "x");
        }

        assertThat(once.warn("one-more", "x")).isFalse();
    }

    @Test
    void daemonThreads_areDaemonAndNamed() throws Exception {
        CompletableFuture<String> seen = new CompletableFuture<>();
        Thread thread = DaemonThreads.start("beacon-test", () -> seen.complete(Thread.currentThread().getName()));

        assertThat(seen.get(5, TimeUnit.SECONDS)).isEqualTo("beacon-test");
        assertThat(thread.isDaemon()).isTrue();
        assertThat(DaemonThreads.numbered("beacon-pool").newThread(() -> { }).getName()).isEqualTo("beacon-pool-1");
    }

    @Test
    void daemonThreads_blankName_isRefused() {
        assertThat(assertThrows(IllegalArgumentException.class, () -> DaemonThreads.named(" ")))
                .hasMessage("thread name must not be blank, but was ' '");
    }
}
