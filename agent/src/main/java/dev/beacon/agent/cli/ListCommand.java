package dev.beacon.agent.cli;

import dev.beacon.ServiceInstance;
import dev.beacon.registry.RegistryUris;
import dev.beacon.registry.ServiceRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code beacon list}: every service and its live instances, as an aligned table or, with {@code --json},
 * {@code {"<service>": [{"id", "host", "port", "status", "metadata", "ports"}, ...], ...}} ({@code "maintenance"}
 * added to an instance in maintenance). An empty registry is not an error (exit 0).
 */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "List the services and their live instances.")
final class ListCommand implements Callable<Integer> {

    @Mixin
    RegistryOption registry;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Map<String, List<ServiceInstance>> services;
        try (ServiceRegistry open = registry.open()) {
            services = open.snapshot();
        }
        PrintWriter out = spec.commandLine().getOut();
        if (registry.json) {
            Map<String, List<Map<String, Object>>> root = new LinkedHashMap<>();
            services.forEach((service, instances) -> root.put(service, Json.instances(instances)));
            out.println(Json.write(root));
        } else if (services.isEmpty()) {
            out.println("no services registered in " + RegistryUris.mask(registry.uri));
        } else {
            printTable(out, services);
        }
        out.flush();
        return BeaconCommand.OK;
    }

    /** The instances as a table, then one line per instance in maintenance: its reason, who, since and until. */
    static void printTable(PrintWriter out, Map<String, List<ServiceInstance>> services) {
        List<String[]> rows = new ArrayList<>();
        List<String[]> maintenance = new ArrayList<>();
        rows.add(new String[]{"SERVICE", "ID", "ADDRESS", "STATUS", "PORTS", "METADATA"});
        services.forEach((service, instances) -> {
            for (ServiceInstance instance : instances) {
                rows.add(new String[]{service, instance.id(), instance.address(), instance.status().name(),
                    Json.join(instance.ports()), Json.join(instance.metadata())});
                instance.maintenance().ifPresent(m -> maintenance.add(new String[]{
                    "  " + service + " " + instance.id() + ": " + m.describe()}));
            }
        });
        Table.print(out, rows);
        if (!maintenance.isEmpty()) {
            out.println();
            out.println("in maintenance (beacon maint --off SERVICE ID puts one back):");
            Table.print(out, maintenance);
        }
    }
}
