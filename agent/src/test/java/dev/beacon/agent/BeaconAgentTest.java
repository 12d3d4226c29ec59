package dev.beacon.agent;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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
}
