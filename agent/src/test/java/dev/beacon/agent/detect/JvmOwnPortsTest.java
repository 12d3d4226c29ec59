package dev.beacon.agent.detect;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class JvmOwnPortsTest {

    @Test
    void find_jmxRemoteProperties_returnsBothPorts() {
        Map<String, String> properties = Map.of("com.sun.management.jmxremote.port", "9010",
                "com.sun.management.jmxremote.rmi.port", " 9011 ");

        assertThat(JvmOwnPorts.find(properties)).contains(9010, 9011);
    }

    @Test
    void find_noJmxProperties_doesNotReturnThosePorts() {
        assertThat(JvmOwnPorts.find(Map.of("beacon.port", "9010"))).doesNotContain(9010, 9011);
    }

    @Test
    void find_jmxPortNotANumber_isIgnoredWithoutThrowing() {
        Map<Object, Object> properties = Map.of("com.sun.management.jmxremote.port", "nine",
                "com.sun.management.jmxremote.rmi.port", 9011);

        assertThat(JvmOwnPorts.find(properties)).doesNotContain(9011);
    }
}
