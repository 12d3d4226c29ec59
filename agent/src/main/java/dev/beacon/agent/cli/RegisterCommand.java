package dev.beacon.agent.cli;

import dev.beacon.registry.Ttl;
import dev.beacon.ServiceInstance;
import dev.beacon.Status;
import dev.beacon.json.InstanceJson;
import dev.beacon.support.Durations;
import dev.beacon.registry.ServiceRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code beacon register <service> --host H --port P}: a manual entry, for something that cannot run the agent. It
 * lives for {@code --ttl} (default 1h) unless registered again.
 */
@Command(name = "register", mixinStandardHelpOptions = true,
        description = "Register an instance by hand (it expires after --ttl unless registered again).")
final class RegisterCommand implements Callable<Integer> {

    @Parameters(paramLabel = "SERVICE", description = "The service name.")
    String service;

    @Option(names = "--host", required = true, description = "Address clients connect to.")
    String host;

    @Option(names = "--port", required = true, description = "Port, 1..65535.")
    int port;

    @Option(names = "--id", description = "Instance id (default: <host>-<port>).")
    String id;

    @Option(names = "--status", defaultValue = "UP", description = "STARTING, UP, DOWN or DRAINING (default UP).")
    String status;

    @Option(names = "--ttl", defaultValue = "1h", description = "Lease, e.g. 30s, 10m, 1h (default 1h, at most 1d).")
    String ttl;

    @Option(names = "--meta", paramLabel = "KEY=VALUE", description = "Metadata; repeatable.")
    Map<String, String> metadata = new LinkedHashMap<>();

    @Mixin
    RegistryOption registry;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Duration lease = Durations.parse("--ttl", ttl);
        ServiceInstance instance = ServiceInstance.builder(service).id(id).host(host).port(port)
                .status(Status.parse(status)).metadata(metadata).build();
        try (ServiceRegistry open = registry.open()) {
            open.register(instance, Ttl.check(lease));
        }
        PrintWriter out = spec.commandLine().getOut();
        if (registry.json) {
            out.println(Json.write(InstanceJson.of(instance)));
        } else {
            out.println("registered " + service + " " + instance.id() + " at " + instance.address() + " for "
                    + Durations.format(lease));
        }
        out.flush();
        return BeaconCommand.OK;
    }
}
