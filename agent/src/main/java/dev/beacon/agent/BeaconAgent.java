package dev.beacon.agent;

import dev.beacon.agent.config.AgentConfig;
import dev.beacon.agent.config.AgentConfigParser;
import dev.beacon.agent.declared.DeclaredApp;
import dev.beacon.agent.detect.JvmOwnPorts;
import dev.beacon.agent.detect.ProcNetListeners;
import dev.beacon.agent.instrument.BindHooks;
import dev.beacon.agent.lifecycle.Handoff;
import dev.beacon.agent.lifecycle.AgentLoop;
import dev.beacon.agent.logging.AgentLog;
import dev.beacon.agent.logging.AgentLogLine;
import dev.beacon.registry.Registries;
import dev.beacon.registry.ServiceRegistry;

import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The {@code -javaagent} entry point. What runs on the app's main thread, before {@code main}, is only what must run
 * before the app's first bind: the kill-switch check, a tiny bridge class defined inside {@code java.base}, and a
 * class-file transformer for the hooked classes (no ASM is loaded there). Everything else runs on the agent's own
 * daemon thread: it loads and weaves the hooked JDK classes and removes the transformer (so the JVM calls nothing of
 * the agent's for the classes the app loads), registers the fallback shutdown hook, then waits — loading nothing more — until the app binds its first listener, or
 * {@value #IDLE_START_MILLIS} ms have passed (for listeners only the {@code /proc} scan can see), before it reads the
 * configuration, opens the registry and registers. The app's startup pays for the hooks, not for the agent. Never
 * throws: any problem is one line on stderr (in the shape of {@link AgentLogLine}), and the app runs without the agent.
 */
public final class BeaconAgent {

    /** Before {@code main}: the agent's thread waits for the app's first bind, at most this long, before it works. */
    static final long IDLE_START_MILLIS = 1_000;

    private static final AtomicBoolean STARTED = new AtomicBoolean();

    private BeaconAgent() {
    }

    public static void premain(String agentArgs, Instrumentation instrumentation) {
        start(agentArgs, instrumentation, IDLE_START_MILLIS);
    }

    public static void agentmain(String agentArgs, Instrumentation instrumentation) {
        start(agentArgs, instrumentation, 0); // a late attach: the app listens already, look for its listeners at once
    }

    private static void start(String agentArgs, Instrumentation instrumentation, long idleStartMillis) {
        try {
            if (!STARTED.compareAndSet(false, true)) {
                AgentLogLine.printWarning("the agent is already running in this JVM; ignoring the second one");
                return;
            }
            if (startedByJdkTool(System.getProperty("sun.java.command", ""))) {
                return; // picked up through JAVA_TOOL_OPTIONS by javac, jps, jcmd, keytool, ...: stay silent
            }
            if (switchedOff(agentArgs, System.getProperties(), System.getenv())) {
                return; // enabled=false: the kill switch weaves nothing
            }
            Handoff handoff = new Handoff();
            BindHooks.Pending hooks = null;
            try {
                hooks = BindHooks.install(instrumentation, handoff, handoff.closeSignal(), handoff.servingSignal(),
                        handoff.shutdownSignal());
            } catch (Throwable t) {
                AgentLogLine.printWarning("cannot install the bind hooks (" + t
                        + "); listeners are found by scanning /proc only");
            }
            // Not DaemonThreads: this runs before main, and DaemonThreads would initialise the (relocated) SLF4J here;
            // every later thread of the agent comes from DaemonThreads, on the agent's own thread.
            Thread agent = new Thread(new AgentThread(agentArgs, handoff, hooks, idleStartMillis), "beacon-agent");
            agent.setDaemon(true);
            handoff.consumer(agent);
            agent.start();
        } catch (Throwable t) {
            AgentLogLine.printError("the agent failed to start (" + t + "); the application runs without it");
        }
    }

    /**
     * The agent's thread: waits for the app's first bind, then configures the agent and runs the registration loop.
     * A bad configuration disables the agent with one line on stderr; the hooks stay woven but only return.
     */
    private static final class AgentThread implements Runnable {
        private final String agentArgs;
        private final Handoff handoff;
        private final BindHooks.Pending hooks;
        private final long idleStartMillis;

        AgentThread(String agentArgs, Handoff handoff, BindHooks.Pending hooks, long idleStartMillis) {
            this.agentArgs = agentArgs;
            this.handoff = handoff;
            this.hooks = hooks;
            this.idleStartMillis = idleStartMillis;
        }

        @Override
        public void run() {
            try {
                // Fallback when the ApplicationShutdownHooks advice could not be installed; idempotent otherwise.
                // Registered here, not in premain: loading ApplicationShutdownHooks weaves it, and the first weave
                // loads ASM, which is better done on this thread than on the app's main thread.
                BindHooks.Installed installed = hooks == null ? null : hooks.weaveAndDetach();
                try {
                    Runtime.getRuntime().addShutdownHook(new Thread(handoff.shutdownSignal(), "beacon-agent-shutdown"));
                } catch (IllegalStateException shutdownInProgress) {
                    return;
                }
                handoff.awaitFirstBind(idleStartMillis);
                AgentConfig config;
                try {
                    // what the app declares (its name, port roles, framework) is read here, on the agent's thread,
                    // and only when service= is not given or health=auto is
                    config = AgentConfigParser.parse(agentArgs, System.getProperties(), System.getenv(),
                            () -> DeclaredApp.read(System.getProperties(), System.getenv(),
                                    Path.of("").toAbsolutePath()));
                } catch (IllegalArgumentException e) {
                    handoff.close();
                    AgentLogLine.printError("bad agent configuration: " + e.getMessage()
                            + "; the agent is disabled, the application runs without it");
                    return;
                }
                if (!config.enabled()) {
                    handoff.close();
                    return;
                }
                AgentLog.setLevel(config.logLevel());
                Supplier<ServiceRegistry> registry = () -> Registries.open(config.registry());
                AgentLoop loop = new AgentLoop(config, registry, JvmOwnPorts.find(System.getProperties()),
                        instanceId(config), new ProcNetListeners(), handoff);
                loop.hooksInstalled(installed);
                if (handoff.attach(loop)) {
                    loop.run();
                }
            } catch (Throwable t) {
                handoff.close();
                AgentLogLine.printError("the agent failed (" + t + "); the application runs without it");
            }
        }
    }

    /**
     * The kill switch, read without the full parser on the app's main thread: {@code enabled=false} in the agent
     * arguments, {@code -Dbeacon.enabled=false} or {@code BEACON_ENABLED=false}, with the parser's precedence. Any other
     * value is left to the parser, which reports it.
     */
    static boolean switchedOff(String agentArgs, Map<?, ?> properties, Map<String, String> env) {
        String value = null;
        if (agentArgs != null) {
            int from = 0;
            while (from <= agentArgs.length()) {
                int comma = agentArgs.indexOf(',', from);
                String piece = agentArgs.substring(from, comma < 0 ? agentArgs.length() : comma);
                int eq = piece.indexOf('=');
                if (eq > 0 && piece.substring(0, eq).trim().equals("enabled")) {
                    value = piece.substring(eq + 1);
                }
                if (comma < 0) {
                    break;
                }
                from = comma + 1;
            }
        }
        if (value == null && properties.get("beacon.enabled") instanceof String property) {
            value = property;
        }
        if (value == null) {
            value = env.get("BEACON_ENABLED");
        }
        return value != null && value.trim().toLowerCase(Locale.ROOT).equals("false");
    }

    /** JDK command-line tools also read {@code JAVA_TOOL_OPTIONS}; an agent meant for apps must not act in them. */
    static boolean startedByJdkTool(String command) {
        String line = command.trim();
        int space = 0;
        while (space < line.length() && !Character.isWhitespace(line.charAt(space))) {
            space++;
        }
        String main = line.substring(0, space);
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
