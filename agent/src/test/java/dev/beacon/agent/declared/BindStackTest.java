package dev.beacon.agent.declared;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class BindStackTest {

    @Test
    void roleOf_componentNames_giveTheirRoles() {
        assertThat(BindStack.roleOf(
                "org.springframework.boot.actuate.autoconfigure.web.server.ChildManagementContextInitializer"))
                .isEqualTo("management");
        assertThat(BindStack.roleOf("io.dropwizard.core.server.AdminFactory")).isEqualTo("admin");
        assertThat(BindStack.roleOf("kafka.server.ControllerServer")).isEqualTo("controller");
        assertThat(BindStack.roleOf("com.acme.DebugAgentListener")).isEqualTo("debug");
        assertThat(BindStack.roleOf("org.jolokia.jvmagent.JolokiaServer")).isEqualTo("management");
        assertThat(BindStack.roleOf("io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel"))
                .isEqualTo("grpc");
        assertThat(BindStack.roleOf("sun.rmi.transport.tcp.TCPEndpoint")).isEqualTo(BindStack.JVM);
    }

    @Test
    void roleOf_ordinaryServerClasses_sayNothing() {
        for (String type : List.of("org.apache.tomcat.util.net.NioEndpoint",
                "org.springframework.boot.web.embedded.tomcat.TomcatWebServer",
                "org.springframework.context.support.AbstractApplicationContext", "java.net.ServerSocket",
                "sun.nio.ch.ServerSocketChannelImpl", "dev.beacon.agent.lifecycle.Handoff",
                "org.eclipse.jetty.server.ServerConnector", "com.acme.orders.OrdersApplication")) {
            assertThat(BindStack.roleOf(type)).as(type).isNull();
        }
    }

    @Test
    void of_theStackOfATestMethod_isNothing() {
        assertThat(BindStack.of(new Throwable().getStackTrace())).isNull();
    }

    @Test
    void isSidePort_managementAdminJmxDebugController_notHttpOrGrpc() {
        assertThat(List.of("management", "admin", "jmx", "debug", "controller")).allMatch(BindStack::isSidePort);
        assertThat(List.of("http", "grpc", "tcp-8080")).noneMatch(BindStack::isSidePort);
        assertThat(BindStack.isSidePort(null)).isFalse();
    }
}
