package dev.beacon.agent.cli;

import com.sun.tools.attach.VirtualMachine;
import dev.beacon.ServiceInstance;
import dev.beacon.agent.config.AgentConfig;
import dev.beacon.agent.config.AgentConfigParser;
import dev.beacon.registry.Registries;
import dev.beacon.registry.ServiceRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code beacon attach <pid> [agent args]}: loads the agent into a running JVM (dynamic attach). The agent finds the
 * ports the JVM already listens on through {@code /proc} and registers it; this command waits until the registration
 * is visible and prints it. The target JVM prints a warning about dynamically loaded agents unless it runs with
 * {@code -XX:+EnableDynamicAgentLoading} (JDK 21+); it must be run by the same user.
 */
@Command(name = "attach", mixinStandardHelpOptions = true,
        description = "Load the agent into a running JVM and print what it registered.")
final class AttachCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "PID", description = "The process id of the JVM.")
    long pid;

    @Parameters(index = "1", arity = "0..1", paramLabel = "AGENT-ARGS",
            description = "Agent arguments, as after -javaagent:beacon-agent.jar= (e.g. service=orders,ttl=10s).")
    String agentArgs = "";

    @Option(names = "--wait", defaultValue = "10s", description = "How long to wait for the registration (default 10s).")
    String wait;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        AgentConfig config = AgentConfigParser.parse(agentArgs, Map.of(), Map.of());
        Duration timeout = dev.beacon.support.Durations.parse("--wait", wait);
        Path jar = Path.of(AttachCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        if (!ProcessHandle.of(pid).isPresent()) {
            throw new IllegalArgumentException("no process with pid " + pid);
        }
        VirtualMachine vm;
        try {
            vm = VirtualMachine.attach(Long.toString(pid));
        } catch (Exception e) {
            throw new IllegalArgumentException("cannot attach to pid " + pid + " (is it a JVM run by this user?): "
                    + e.getMessage(), e);
        }
        try {
            vm.loadAgent(jar.toString(), agentArgs);
        } finally {
            vm.detach();
        }
        PrintWriter out = spec.commandLine().getOut();
        Optional<ServiceInstance> registered = awaitRegistration(config, timeout);
        if (registered.isEmpty()) {
            spec.commandLine().getErr().println("beacon attach: agent loaded into " + pid + ", but no instance of '"
                    + config.service() + "' from that process appeared within " + wait
                    + " (is it listening on a TCP port?)");
            return BeaconCommand.NOTHING_FOUND;
        }
        ServiceInstance instance = registered.get();
        out.println("attached to " + pid + ": registered " + instance.service() + " " + instance.id() + " at "
                + instance.address() + (instance.ports().isEmpty() ? "" : " ports " + instance.ports()));
        out.flush();
        return BeaconCommand.OK;
    }

    private Optional<ServiceInstance> awaitRegistration(AgentConfig config, Duration timeout)
            throws InterruptedException {
        String marker = "-" + pid + "-";
        long deadline = System.nanoTime() + timeout.toNanos();
        try (ServiceRegistry registry = Registries.open(config.registry())) {
            while (System.nanoTime() < deadline) {
                List<ServiceInstance> instances = registry.instances(config.service());
                for (ServiceInstance instance : instances) {
                    if (config.id().map(instance.id()::equals).orElse(instance.id().contains(marker))) {
                        return Optional.of(instance);
                    }
                }
                Thread.sleep(100);
            }
        }
        return Optional.empty();
    }
}
