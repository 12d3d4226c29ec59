package dev.beacon.agent.it;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link JvmOutput} recognises the warnings real JVMs and the agent print (lines copied from JDK 17 and 25). */
class JvmOutputTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "WARNING: A Java agent has been loaded dynamically (/tmp/beacon-agent.jar)",
        "WARNING: A terminally deprecated method in sun.misc.Unsafe has been called",
        "OpenJDK 64-Bit Server VM warning: Options -Xverify:none and -noverify were deprecated in JDK 13 and will "
            + "likely be removed in a future release.",
        "OpenJDK 64-Bit Server VM warning: Sharing is only supported for boot loader classes because bootstrap "
            + "classpath has been appended",
        "WARNING: An illegal reflective access operation has occurred",
        "[beacon] 2026-12-05 14:31:51.123 WARN the app only listens on a loopback address (127.0.0.1:38539)",
        "[beacon] 2026-12-05 14:31:51.123 ERROR cannot register",
        // an agent line of another shape: the agent broke its format
        "[beacon] registered service=orders id=vm-1-a at 127.0.0.1:8080 in file:/tmp/r (ttl 10000 ms)",
        "[beacon] WARN the app only listens on a loopback address (127.0.0.1:38539)"})
    void isWarning_jvmAndAgentWarnings_true(String line) {
        assertThat(JvmOutput.isWarning(line)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "[beacon] 2026-12-05 14:31:51.123 INFO advertising 127.0.0.1: the listener is bound to it",
        "[beacon] 2026-12-05 14:31:51.123 INFO registered service=orders id=vm-1-a at 127.0.0.1:8080 in file:/tmp/r "
            + "(ttl 10000 ms)",
        "[beacon] 2026-12-05 23:59:59.999 INFO deregistered service=orders id=vm-1-a (JVM shutdown)",
        "[beacon] 2026-12-05 14:31:51.123 DEBUG the app's listeners: 8080",
        "listening on 8080"})
    void isWarning_ordinaryLines_false(String line) {
        assertThat(JvmOutput.isWarning(line)).isFalse();
    }
}
