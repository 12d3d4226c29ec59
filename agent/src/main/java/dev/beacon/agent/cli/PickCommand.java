package dev.beacon.agent.cli;

import dev.beacon.ServiceInstance;
import dev.beacon.json.InstanceJson;
import dev.beacon.balance.LoadBalancer;
import dev.beacon.client.DiscoveryClient;
import dev.beacon.registry.ServiceRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code beacon pick <service>}: one routable instance, chosen as a client of the service would (UP only, the
 * protection threshold and the balancer); exit 1 when there is none.
 */
@Command(name = "pick", mixinStandardHelpOptions = true,
        description = "Pick one instance of a service with a load-balancing strategy.")
final class PickCommand implements Callable<Integer> {

    @Parameters(paramLabel = "SERVICE", description = "The service name.")
    String service;

    @Option(names = "--strategy", defaultValue = "random",
            description = "round-robin, random, weighted, least-in-flight, p2c or consistent-hash (default random: "
                    + "one pick per run, so round robin has no memory here).")
    String strategy;

    @Option(names = "--key", description = "The caller key for consistent-hash (e.g. a user id).")
    String key;

    @Mixin
    RegistryOption registry;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        ServiceInstance.checkServiceName(service);
        LoadBalancer.named(strategy); // validates before touching the registry
        if (strategy.equals("consistent-hash") && key == null) {
            throw new IllegalArgumentException("--strategy consistent-hash needs --key (e.g. --key user-42)");
        }
        Optional<ServiceInstance> picked;
        try (ServiceRegistry open = registry.open();
             DiscoveryClient client = DiscoveryClient.builder(open).balancer(() -> LoadBalancer.named(strategy))
                     .build()) {
            picked = client.choose(service, key);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (picked.isEmpty()) {
            spec.commandLine().getErr().println("beacon pick: no routable instance of '" + service + "'");
            return BeaconCommand.NOTHING_FOUND;
        }
        if (registry.json) {
            out.println(Json.write(InstanceJson.of(picked.get())));
        } else {
            ListCommand.printTable(out, Map.of(service, java.util.List.of(picked.get())));
        }
        out.flush();
        return BeaconCommand.OK;
    }
}
