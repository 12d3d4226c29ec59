package dev.beacon.agent;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class BeaconAgentTest {

    @ParameterizedTest
    @ValueSource(strings = {"jdk.jcmd/sun.tools.jps.Jps", "jdk.jcmd/sun.tools.jcmd.JCmd -l",
        "jdk.compiler/com.sun.tools.javac.Main Foo.java", "sun.tools.jar.Main", "sun.security.tools.keytool.Main",
        "jdk.jshell/jdk.internal.jshell.tool.JShellToolProvider"})
    void startedByJdkTool_jdkTools_true(String command) {
        assertThat(BeaconAgent.startedByJdkTool(command)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/opt/orders-1.4.jar --port 8080", "com.acme.OrderServiceApp", "", "app/com.acme.Main"})
    void startedByJdkTool_apps_false(String command) {
        assertThat(BeaconAgent.startedByJdkTool(command)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"enabled=false", "service=a,enabled=false", "service=a, enabled = FALSE ,ttl=3s",
        "registry=redis-sentinel://h1:26379,h2:26379/m,enabled=false"})
    void switchedOff_byAgentArgument(String args) {
        assertThat(BeaconAgent.switchedOff(args, Map.of(), Map.of())).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "service=a", "enabled=true", "enabled=maybe", "service=enabled=false",
        "meta.enabled=false"})
    void switchedOff_notByOtherArguments(String args) {
        assertThat(BeaconAgent.switchedOff(args, Map.of(), Map.of())).isFalse();
    }

    @Test
    void switchedOff_precedence_argsThenPropertiesThenEnvironment() {
        assertThat(BeaconAgent.switchedOff(null, Map.of("beacon.enabled", "false"), Map.of())).isTrue();
        assertThat(BeaconAgent.switchedOff(null, Map.of(), Map.of("BEACON_ENABLED", "false"))).isTrue();
        assertThat(BeaconAgent.switchedOff("enabled=true", Map.of("beacon.enabled", "false"), Map.of())).isFalse();
        assertThat(BeaconAgent.switchedOff(null, Map.of("beacon.enabled", "true"),
                Map.of("BEACON_ENABLED", "false"))).isFalse();
    }
}
