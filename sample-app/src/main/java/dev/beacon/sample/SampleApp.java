package dev.beacon.sample;

import dev.beacon.client.DiscoveryClient;
import dev.beacon.registry.Registries;
import dev.beacon.registry.RegistryUris;
import dev.beacon.registry.ServiceRegistry;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

/**
 * A plain HTTP app for trying Beacon out. It never registers itself: run it with the Beacon agent
 * ({@code -javaagent:beacon-agent.jar=service=...}) to have it registered from outside. It uses Beacon's core library
 * only to look other services up, as any application would: a {@link DiscoveryClient} over the registry, asked by
 * {@code /call/...} and {@code /lookup/...} (see {@link ServiceCaller}); see {@link SampleServer} for the pages.
 *
 * <p>Prints {@code listening on <port>} once it serves, and {@code stopping} when the JVM shuts down. Exit codes:
 * 2 for bad arguments, 1 when the port cannot be bound.
 */
public final class SampleApp {

    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(2);

    private SampleApp() {
    }

    public static void main(String[] args) {
        if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
            System.out.println(Options.USAGE);
            return;
        }
        Options options;
        ServiceRegistry registry;
        try {
            options = Options.parse(args);
            registry = Registries.open(options.registryUri());
        } catch (IllegalArgumentException e) {
            System.err.println("sample-app: " + e.getMessage());
            System.err.println(Options.USAGE);
            System.exit(2);
            return;
        }
        DiscoveryClient client = DiscoveryClient.builder(registry).build();
        SampleServer server;
        try {
            server = SampleServer.start(options.port(), options.name(), new ServiceCaller(client, CALL_TIMEOUT));
        } catch (IOException e) {
            System.err.println("sample-app: cannot listen on port " + options.port() + ": " + e.getMessage());
            client.close();
            registry.close();
            System.exit(1);
            return;
        }
        int port = server.port();
        // Installed before "listening on" is printed, so that a script may stop the app as soon as it reads it.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            printLine(System.out, "stopping");
            server.close();
            client.close();
            registry.close();
        }, "sample-app-stop"));
        options.checkDeregistered().ifPresent(service -> Runtime.getRuntime().addShutdownHook(new Thread(
                () -> printLine(System.out, selfRegistration(options.registryUri(), service, port)),
                "sample-app-check-deregistered")));
        printLine(System.out, "listening on " + port);
    }

    /**
     * Reads the registry afresh and reports whether an instance of {@code service} with this {@code port} is listed:
     * {@code shutdown-hook: self registered=<true|false>}. Run from a shutdown hook, it tells whether the agent
     * deregistered the app before the app's own hooks started.
     */
    static String selfRegistration(String registryUri, String service, int port) {
        try (ServiceRegistry registry = Registries.open(registryUri)) {
            boolean registered = registry.instances(service).stream().anyMatch(i -> i.port() == port);
            return "shutdown-hook: self registered=" + registered;
        } catch (RuntimeException e) {
            return "shutdown-hook: cannot read registry " + RegistryUris.mask(registryUri) + ": " + e;
        }
    }

    private static void printLine(PrintStream out, String line) {
        out.println(line);
        out.flush();
    }
}
