package dev.beacon.agent.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beacon.ServiceInstance;
import dev.beacon.registry.Registries;
import dev.beacon.registry.ServiceRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * {@code beacon list}: every service and its live instances, as an aligned table or, with {@code --json},
 * {@code {"<service>": [{"id", "host", "port", "status", "metadata", "ports"}, ...], ...}}.
 */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "List the services and their live instances.")
final class ListCommand implements Callable<Integer> {

    @Option(names = "--registry", paramLabel = "URI", defaultValue = Registries.DEFAULT_URI,
            description = "Registry URI (default: the local file registry, ${DEFAULT-VALUE}).")
    String registryUri;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Map<String, List<ServiceInstance>> services;
        try (ServiceRegistry registry = Registries.open(registryUri)) {
            services = registry.snapshot();
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(toJson(services));
        } else if (services.isEmpty()) {
            out.println("no services registered in " + dev.beacon.registry.RegistryUris.mask(registryUri));
        } else {
            printTable(out, services);
        }
        out.flush();
        return BeaconCommand.OK;
    }

    static String toJson(Map<String, List<ServiceInstance>> services) throws Exception {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        services.forEach((service, instances) -> {
            ArrayNode array = root.putArray(service);
            for (ServiceInstance instance : instances) {
                ObjectNode node = array.addObject();
                node.put("id", instance.id());
                node.put("host", instance.host());
                node.put("port", instance.port());
                node.put("status", instance.status().name());
                ObjectNode metadata = node.putObject("metadata");
                instance.metadata().forEach(metadata::put);
                ObjectNode ports = node.putObject("ports");
                instance.ports().forEach(ports::put);
            }
        });
        return mapper.writeValueAsString(root);
    }

    static void printTable(PrintWriter out, Map<String, List<ServiceInstance>> services) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[]{"SERVICE", "ID", "ADDRESS", "STATUS", "PORTS", "METADATA"});
        services.forEach((service, instances) -> {
            for (ServiceInstance instance : instances) {
                rows.add(new String[]{service, instance.id(), instance.address(), instance.status().name(),
                    join(instance.ports()), join(instance.metadata())});
            }
        });
        Table.print(out, rows);
    }

    private static String join(Map<String, ?> map) {
        return map.isEmpty() ? "-" : map.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
    }
}
