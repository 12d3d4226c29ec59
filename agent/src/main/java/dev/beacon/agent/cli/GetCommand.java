package dev.beacon.agent.cli;

import dev.beacon.ServiceInstance;
import dev.beacon.registry.ServiceRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code beacon get <service>}: the live instances of one service; exit 1 when there are none. */
@Command(name = "get", mixinStandardHelpOptions = true, description = "Show the live instances of one service.")
final class GetCommand implements Callable<Integer> {

    @Parameters(paramLabel = "SERVICE", description = "The service name.")
    String service;

    @Mixin
    RegistryOption registry;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        ServiceInstance.checkServiceName(service);
        List<ServiceInstance> instances;
        try (ServiceRegistry open = registry.open()) {
            instances = open.instances(service);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (registry.json) {
            out.println(Json.write(Json.instances(instances)));
        } else if (instances.isEmpty()) {
            spec.commandLine().getErr().println("beacon get: no live instance of '" + service + "'");
        } else {
            ListCommand.printTable(out, Map.of(service, instances));
        }
        out.flush();
        return instances.isEmpty() ? BeaconCommand.NOTHING_FOUND : BeaconCommand.OK;
    }
}
