package dev.beacon.agent.cli;

import dev.beacon.Maintenance;
import dev.beacon.ServiceInstance;
import dev.beacon.json.InstanceJson;
import dev.beacon.registry.MaintenanceRequest;
import dev.beacon.registry.ServiceRegistry;
import dev.beacon.support.Durations;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code beacon maint <service> <id> [--reason TEXT] [--for DURATION] [--by NAME]}: takes a live instance out of
 * rotation while its process keeps running (clients never choose it; heartbeats, re-registrations and restarts with
 * the same id keep it so) until {@code beacon maint --off <service> <id>} or the {@code --for} deadline. Exit 1 when
 * there is no such live instance (or, with {@code --off}, nothing to lift).
 */
@Command(name = "maint", mixinStandardHelpOptions = true,
        description = {"Take an instance out of rotation while it keeps running (maintenance), or put it back with "
                + "--off.", "It stays in maintenance across heartbeats, re-registrations and restarts of the app with "
                + "the same id, until lifted or its --for deadline passes."})
final class MaintCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "SERVICE", description = "The service name.")
    String service;

    @Parameters(index = "1", paramLabel = "ID", description = "The instance id (beacon get SERVICE lists them).")
    String id;

    @Option(names = "--off", description = "Lift the maintenance: clients choose the instance again.")
    boolean off;

    @Option(names = "--reason", paramLabel = "TEXT",
            description = "Why, shown by list, get and the HTTP API (one line, at most 256 characters).")
    String reason;

    @Option(names = "--for", paramLabel = "DURATION",
            description = "End it by itself after this long, e.g. 30m or 2h (1s to 365d); default: until --off.")
    String duration;

    @Option(names = "--by", paramLabel = "NAME", description = "Who puts it in maintenance (default: your user name).")
    String by;

    @Mixin
    RegistryOption registry;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        ServiceInstance.checkServiceName(service);
        ServiceInstance.checkInstanceId(id);
        if (off) {
            if (reason != null || duration != null || by != null) {
                throw new IllegalArgumentException("--off lifts the maintenance and takes no --reason, --for or --by");
            }
            return lift();
        }
        String who = by != null ? by : System.getProperty("user.name", "unknown");
        Optional<Duration> lasting = duration == null ? Optional.empty()
                : Optional.of(Durations.parse("--for", duration));
        MaintenanceRequest request = new MaintenanceRequest(reason == null ? "" : reason, who, lasting);
        Optional<Maintenance> recorded;
        try (ServiceRegistry open = registry.open()) {
            recorded = open.startMaintenance(service, id, request);
        }
        if (recorded.isEmpty()) {
            spec.commandLine().getErr().println("beacon maint: no live instance '" + id + "' of '" + service
                    + "' (beacon get " + service + " lists them)");
            return BeaconCommand.NOTHING_FOUND;
        }
        PrintWriter out = spec.commandLine().getOut();
        if (registry.json) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("service", service);
            json.put("id", id);
            json.put("maintenance", InstanceJson.maintenance(recorded.get()));
            out.println(Json.write(json));
        } else {
            out.println("in maintenance: " + service + " " + id + " " + recorded.get().describe()
                    + "; clients do not choose it until 'beacon maint --off " + service + " " + id + "'"
                    + (recorded.get().until().isPresent() ? " or its deadline" : ""));
        }
        out.flush();
        return BeaconCommand.OK;
    }

    private int lift() {
        boolean lifted;
        try (ServiceRegistry open = registry.open()) {
            lifted = open.endMaintenance(service, id);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (registry.json) {
            out.println("{\"service\":\"" + service + "\",\"id\":\"" + id + "\",\"lifted\":" + lifted + "}");
        } else {
            out.println(lifted ? "lifted the maintenance of " + service + " " + id
                    : service + " " + id + " is not in maintenance");
        }
        out.flush();
        return lifted ? BeaconCommand.OK : BeaconCommand.NOTHING_FOUND;
    }
}
