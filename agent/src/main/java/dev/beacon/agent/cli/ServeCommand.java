package dev.beacon.agent.cli;

import dev.beacon.support.Durations;
import dev.beacon.health.ActiveHealthChecker;
import dev.beacon.health.HealthCheck;
import dev.beacon.server.BeaconServer;
import dev.beacon.registry.RegistryUris;
import dev.beacon.registry.ServiceRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code beacon serve}: the registry's HTTP API and dashboard, with active health checking of the registered
 * instances, until interrupted. Binds to loopback unless {@code --bind} says otherwise; with {@code --token} (or
 * {@code BEACON_TOKEN}) every write needs {@code Authorization: Bearer <token>}.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve the HTTP API and the dashboard of a registry, until Ctrl-C.")
final class ServeCommand implements Callable<Integer> {

    @Mixin
    RegistryOption registry;

    @Option(names = "--port", defaultValue = "8500", description = "Port (default 8500; 0 = any free port).")
    int port;

    @Option(names = "--bind", defaultValue = "127.0.0.1",
            description = "Address to listen on (default 127.0.0.1; 0.0.0.0 for all interfaces).")
    String bind;

    @Option(names = "--token", defaultValue = "${env:BEACON_TOKEN}",
            description = "Bearer token required for writes (default: $BEACON_TOKEN; none = writes are open).")
    String token;

    @Option(names = "--check-interval", defaultValue = "5s",
            description = "Active TCP health checks of every registered instance at this interval (default 5s; "
                    + "0 turns them off).")
    String checkInterval;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Duration interval = Durations.parse("--check-interval", checkInterval);
        byte[] dashboard = dashboard();
        CountDownLatch stop = new CountDownLatch(1);
        try (ServiceRegistry open = registry.open()) {
            BeaconServer.Builder builder = BeaconServer.builder(open).port(port).bind(bind)
                    .indexPage("text/html; charset=utf-8", dashboard);
            if (token != null && !token.isBlank()) {
                builder.token(token);
            }
            if (!interval.isZero()) {
                builder.companion(() -> ActiveHealthChecker.builder(open, HealthCheck.tcp(Duration.ofSeconds(1)))
                        .interval(interval).build().start());
            }
            try (BeaconServer server = builder.build().start()) {
                Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "beacon-serve-stop"));
                PrintWriter out = spec.commandLine().getOut();
                out.println("serving " + RegistryUris.mask(registry.uri) + " at " + server.uri()
                        + (token == null || token.isBlank() ? " (writes open: set --token or BEACON_TOKEN)"
                        : " (writes need the token)") + (interval.isZero() ? "" : "; health checks every "
                        + Durations.format(interval)));
                out.flush();
                stop.await();
            }
        }
        return BeaconCommand.OK;
    }

    private static byte[] dashboard() throws IOException {
        try (InputStream in = ServeCommand.class.getResourceAsStream("/dev/beacon/server/dashboard.html")) {
            if (in == null) {
                throw new IOException("the dashboard page is missing from the jar");
            }
            return in.readAllBytes();
        }
    }
}
