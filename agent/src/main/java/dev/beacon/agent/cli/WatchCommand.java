package dev.beacon.agent.cli;

import dev.beacon.ServiceInstance;
import dev.beacon.json.InstanceJson;
import dev.beacon.registry.RegistryEvent;
import dev.beacon.registry.ServiceRegistry;
import dev.beacon.registry.Subscription;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code beacon watch <service>}: prints the service's current instances, then every change as it happens (one line
 * per event; one JSON object per line with {@code --json}) until interrupted (Ctrl-C) or {@code --for} elapses.
 */
@Command(name = "watch", mixinStandardHelpOptions = true,
        description = "Print changes to a service's instances as they happen, until Ctrl-C.")
final class WatchCommand implements Callable<Integer> {

    @Parameters(paramLabel = "SERVICE", description = "The service name.")
    String service;

    @Mixin
    RegistryOption registry;

    @Option(names = "--for", paramLabel = "DURATION", description = "Stop after this long (e.g. 30s); default: never.")
    String duration;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        ServiceInstance.checkServiceName(service);
        Duration limit = duration == null ? null : dev.beacon.support.Durations.parse("--for", duration);
        PrintWriter out = spec.commandLine().getOut();
        CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(done::countDown, "beacon-watch-stop"));
        try (ServiceRegistry open = registry.open();
             Subscription ignored = open.watch(service, event -> print(out, event))) {
            for (ServiceInstance instance : open.instances(service)) {
                print(out, new RegistryEvent(RegistryEvent.Type.REGISTERED, instance), "PRESENT");
            }
            out.flush();
            if (limit == null) {
                done.await();
            } else {
                done.await(limit.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
        return BeaconCommand.OK;
    }

    private void print(PrintWriter out, RegistryEvent event) {
        print(out, event, event.type().name());
    }

    private synchronized void print(PrintWriter out, RegistryEvent event, String type) {
        ServiceInstance instance = event.instance();
        if (registry.json) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("time", Instant.now().toString());
            line.put("type", type);
            line.put("service", instance.service());
            line.put("instance", InstanceJson.of(instance));
            out.println(Json.compact(line));
        } else {
            out.printf("%s %-12s %s %s %s %s%n", Instant.now(), type, instance.id(), instance.address(),
                    instance.status(), Json.join(instance.metadata()));
        }
        out.flush();
    }
}
