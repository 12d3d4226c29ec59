package dev.beacon.agent.cli;

import dev.beacon.registry.ServiceRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** {@code beacon deregister <service> <id>}: removes an instance; exit 1 when it was not registered. */
@Command(name = "deregister", mixinStandardHelpOptions = true, description = "Remove an instance.")
final class DeregisterCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "SERVICE", description = "The service name.")
    String service;

    @Parameters(index = "1", paramLabel = "ID", description = "The instance id.")
    String id;

    @Mixin
    RegistryOption registry;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        boolean removed;
        try (ServiceRegistry open = registry.open()) {
            removed = open.deregister(service, id);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (registry.json) {
            out.println("{\"service\":\"" + service + "\",\"id\":\"" + id + "\",\"removed\":" + removed + "}");
        } else {
            out.println(removed ? "deregistered " + service + " " + id : "no live instance " + id + " of " + service);
        }
        out.flush();
        return removed ? BeaconCommand.OK : BeaconCommand.NOTHING_FOUND;
    }
}
