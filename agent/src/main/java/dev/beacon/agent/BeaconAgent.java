package dev.beacon.agent;

import dev.beacon.agent.config.AgentConfig;
import dev.beacon.agent.config.AgentConfigParser;
import dev.beacon.agent.detect.JvmOwnPorts;
import dev.beacon.agent.detect.ProcNetListeners;
import dev.beacon.agent.instrument.BindHooks;
import dev.beacon.agent.lifecycle.RegistrationLoop;
import dev.beacon.agent.logging.AgentLog;
import dev.beacon.registry.Registries;

import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The {@code -javaagent} entry point. Does as little as possible on the app's main thread: parses the arguments,
 * installs the bind and shutdown hooks, starts the agent's own daemon thread, and returns. Never throws: any problem
 * is one line on stderr, and the app runs without the agent.
 */
public final class BeaconAgent {

    private static final AtomicBoolean STARTED = new AtomicBoolean();

    private BeaconAgent() {
    }

    public static void premain(String agentArgs, Instrumentation instrumentation) {
        start(agentArgs, instrumentation);
    }

    public static void agentmain(String agentArgs, Instrumentation instrumentation) {
        start(agentArgs, instrumentation);
    }

    private static void start(String agentArgs, Instrumentation instrumentation) {
        try {
            if (!STARTED.compareAndSet(false, true)) {
                System.err.println("[beacon] the agent is already running in this JVM; ignoring the second one");
                return;
            }
            if (startedByJdkTool(System.getProperty("sun.java.command", ""))) {
                return; // picked up through JAVA_TOOL_OPTIONS by javac, jps, jcmd, keytool, ...: stay silent
            }
            AgentConfig config;
            try {
                config = AgentConfigParser.parse(agentArgs, System.getProperties(), System.getenv());
            } catch (IllegalArgumentException e) {
                System.err.println("[beacon] bad agent configuration: " + e.getMessage()
                        + "; the agent is disabled, the application runs without it");
                return;
            }
            if (!config.enabled()) {
                return;
            }
            AgentLog.setLevel(config.logLevel());
            RegistrationLoop loop = new RegistrationLoop(config, () -> Registries.open(config.registry()),
                    JvmOwnPorts.find(System.getProperties()), instanceId(config), new ProcNetListeners());
            try {
                loop.hooksInstalled(BindHooks.install(instrumentation, loop::onBind, loop::shutdown));
            } catch (Throwable t) {
                System.err.println("[beacon] cannot install the bind hooks (" + t
                        + "); listeners are found by scanning /proc only");
            }
            // Fallback when the ApplicationShutdownHooks advice could not be installed; idempotent otherwise.
            Runtime.getRuntime().addShutdownHook(new Thread(loop::shutdown, "beacon-agent-shutdown"));
            loop.start();
        } catch (Throwable t) {
            System.err.println("[beacon] the agent failed to start (" + t + "); the application runs without it");
        }
    }

    /** JDK command-line tools also read {@code JAVA_TOOL_OPTIONS}; an agent meant for apps must not act in them. */
    static boolean startedByJdkTool(String command) {
        String main = command.trim().split("\\s+", 2)[0];
        int slash = main.indexOf('/');
        if (slash > 0) {
            // launched from a module, as JDK tools are: "jdk.jcmd/sun.tools.jps.Jps"
            if (main.startsWith("jdk.") || main.startsWith("java.")) {
                return true;
            }
            main = main.substring(slash + 1);
        }
        for (String prefix : new String[]{"sun.tools.", "com.sun.tools.", "jdk.internal.", "sun.security.tools.",
            "jdk.jfr.internal.", "sun.jvm.hotspot.", "jdk.jshell.", "sun.rmi.", "jdk.jpackage.", "jdk.jlink."}) {
            if (main.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /** {@code id=} if given, else {@code <hostname>-<pid>-<4 random hex digits>}. */
    private static String instanceId(AgentConfig config) {
        if (config.id().isPresent()) {
            return config.id().get();
        }
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            try {
                host = Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
            } catch (IOException | RuntimeException e) {
                host = "host";
            }
        }
        host = host.replaceAll("[^A-Za-z0-9._-]", "-").replaceAll("^[^A-Za-z0-9]+", "");
        if (host.isEmpty()) {
            host = "host";
        }
        if (host.length() > 100) {
            host = host.substring(0, 100);
        }
        return host + "-" + ProcessHandle.current().pid() + "-"
                + String.format("%04x", ThreadLocalRandom.current().nextInt(0x10000));
    }
}
