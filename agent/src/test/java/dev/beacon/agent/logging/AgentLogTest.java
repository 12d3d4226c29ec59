package dev.beacon.agent.logging;

import dev.beacon.testing.Stderr;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

import java.io.IOException;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.regex.Matcher;

import static org.assertj.core.api.Assertions.assertThat;

/** The agent's log lines: {@code [beacon]}, the local time to the millisecond, the level, the message. */
class AgentLogTest {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSS");

    @AfterEach
    void defaultLevel() {
        AgentLog.setLevel("info");
    }

    @Test
    void format_anyTime_beaconFirstThenLocalTimeToTheMillisecondThenLevel() {
        assertThat(AgentLogLine.format(LocalDateTime.of(2026, 12, 5, 14, 31, 51, 123_999_999), "INFO",
                "registered service=orders id=a-1"))
                .isEqualTo("[beacon] 2026-12-05 14:31:51.123 INFO registered service=orders id=a-1");
    }

    @Test
    void format_smallFields_zeroPadded() {
        assertThat(AgentLogLine.format(LocalDateTime.of(2027, 1, 2, 3, 4, 5, 6_000_000), "WARN", "m"))
                .isEqualTo("[beacon] 2027-01-02 03:04:05.006 WARN m");
        assertThat(AgentLogLine.format(LocalDateTime.of(2027, 1, 2, 0, 0), "ERROR", "m"))
                .isEqualTo("[beacon] 2027-01-02 00:00:00.000 ERROR m");
    }

    @Test
    void info_placeholders_oneLineAtTheCurrentLocalTime() throws Exception {
        Logger log = AgentLog.get(AgentLogTest.class);
        LocalDateTime before = LocalDateTime.now().truncatedTo(ChronoUnit.MILLIS);
        List<String> lines = Stderr.linesDuring(() -> log.info("registered service={} id={}", "orders", "a-1"));
        LocalDateTime after = LocalDateTime.now();

        assertThat(lines).hasSize(1);
        Matcher line = AgentLines.LINE.matcher(lines.get(0));
        assertThat(line.matches()).as(lines.get(0)).isTrue();
        assertThat(LocalDateTime.parse(line.group(1), TIME)).isBetween(before, after);
        assertThat(line.group(2)).isEqualTo("INFO");
        assertThat(line.group(3)).isEqualTo("registered service=orders id=a-1");
    }

    @Test
    void everyLevel_enabled_namesItsLevel() throws Exception {
        AgentLog.setLevel("trace");
        Logger log = AgentLog.get(AgentLogTest.class);
        List<String> lines = Stderr.linesDuring(() -> {
            log.error("e");
            log.warn("w");
            log.info("i");
            log.debug("d");
            log.trace("t");
        });
        assertThat(lines).allMatch(AgentLines::isWellFormed, "of the shape [beacon] <time> <LEVEL> <message>");
        assertThat(lines.stream().map(l -> AgentLines.level(l).orElseThrow() + " " + AgentLines.message(l).orElseThrow()))
                .containsExactly("ERROR e", "WARN w", "INFO i", "DEBUG d", "TRACE t");
    }

    @Test
    void warn_throwableBelowDebug_oneLineWithItsCauses() throws Exception {
        Logger log = AgentLog.get(AgentLogTest.class);
        List<String> lines = Stderr.linesDuring(() -> log.warn("registry {} is unavailable", "redis://r:6379",
                new IllegalStateException("no answer", new IOException("connection refused"))));
        assertThat(lines).hasSize(1);
        assertThat(AgentLines.level(lines.get(0))).hasValue("WARN");
        assertThat(AgentLines.message(lines.get(0))).hasValue("registry redis://r:6379 is unavailable: "
                + "java.lang.IllegalStateException: no answer; caused by java.io.IOException: connection refused");
    }

    @Test
    void providerLogger_coresLogging_sameShape() throws Exception {
        // core's classes log through SLF4J, which the jar binds to AgentLoggerProvider
        Logger log = new AgentLoggerProvider().getLoggerFactory().getLogger("dev.beacon.registry.FileServiceRegistry");
        List<String> lines = Stderr.linesDuring(() -> log.error("cannot write {}", "/tmp/r"));
        assertThat(lines).singleElement().satisfies(line -> {
            assertThat(AgentLines.level(line)).hasValue("ERROR");
            assertThat(AgentLines.message(line)).hasValue("cannot write /tmp/r");
        });
    }

    @Test
    void entryPointLines_sameShape() throws Exception {
        List<String> lines = Stderr.linesDuring(() -> {
            AgentLogLine.printError("bad agent configuration: x");
            AgentLogLine.printWarning("cannot install the bind hooks");
        });
        assertThat(lines.stream().map(l -> AgentLines.level(l).orElse("?") + " " + AgentLines.message(l).orElse(l)))
                .containsExactly("ERROR bad agent configuration: x", "WARN cannot install the bind hooks");
    }
}
