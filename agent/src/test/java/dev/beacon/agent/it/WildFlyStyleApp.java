package dev.beacon.agent.it;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.util.logging.LogManager;
import javax.management.MBeanServer;
import javax.management.MBeanServerBuilder;
import javax.management.MBeanServerDelegate;

/**
 * An app that, like WildFly, installs its own {@link LogManager} and MBean server builder through system properties,
 * for {@link JvmSubsystemsIT}. It listens, prints {@code listening on <port>}, and waits for a line on stdin (sent
 * once the agent registered it); only then it sets {@code java.util.logging.manager} and
 * {@code javax.management.builder.initial} and asks for the log manager and the platform MBean server. Had anything
 * initialised them before, the app's own would be ignored. Prints {@code logmanager <class>} and
 * {@code mbeanserver built by the app: <true|false>}.
 */
public final class WildFlyStyleApp {

    private static volatile boolean built;

    private WildFlyStyleApp() {
    }

    /** The app's log manager. */
    public static final class AppLogManager extends LogManager {
        public AppLogManager() {
        }
    }

    /** The app's MBean server builder: records that the platform MBean server came from it. */
    public static final class AppMBeanServerBuilder extends MBeanServerBuilder {
        @Override
        public MBeanServer newMBeanServer(String defaultDomain, MBeanServer outer, MBeanServerDelegate delegate) {
            built = true;
            return super.newMBeanServer(defaultDomain, outer, delegate);
        }
    }

    public static void main(String[] args) throws Exception {
        try (ServerSocket server = new ServerSocket(0)) {
            System.out.println("listening on " + server.getLocalPort());
            new BufferedReader(new InputStreamReader(System.in)).readLine();
            System.setProperty("java.util.logging.manager", AppLogManager.class.getName());
            System.setProperty("javax.management.builder.initial", AppMBeanServerBuilder.class.getName());
            System.out.println("logmanager " + LogManager.getLogManager().getClass().getName());
            ManagementFactory.getPlatformMBeanServer();
            System.out.println("mbeanserver built by the app: " + built);
        }
    }
}
