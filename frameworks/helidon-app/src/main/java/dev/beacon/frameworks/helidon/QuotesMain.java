package dev.beacon.frameworks.helidon;

import io.helidon.config.Config;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;
import io.helidon.logging.common.LogConfig;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.observe.ObserveFeature;
import io.helidon.webserver.observe.health.HealthObserver;

/**
 * A plain Helidon SE 4 app: a WebServer whose ports (the default socket and the named socket {@code admin}) come from
 * {@code application.yaml}, with the observe feature's health endpoints on the sockets
 * {@code server.features.observe.sockets} names. One readiness check stays DOWN for {@code quotes.ready-delay-ms}
 * after start, so a test can see the app registered STARTING first. Prints
 * {@code quotes: listening <port> admin <port>}.
 */
public final class QuotesMain {

    private QuotesMain() {
    }

    public static void main(String[] args) {
        LogConfig.configureRuntime();
        Config config = Config.create();
        long readyAt = System.nanoTime() + config.get("quotes.ready-delay-ms").asLong().orElse(0L) * 1_000_000;
        HealthObserver health = HealthObserver.builder()
                .addCheck(() -> HealthCheckResponse.builder().status(System.nanoTime() - readyAt >= 0).build(),
                        HealthCheckType.READINESS, "warm-up")
                .build();
        WebServer server = WebServer.builder()
                .config(config.get("server"))
                .featuresDiscoverServices(false)
                .addFeature(ObserveFeature.builder()
                        .config(config.get("server.features.observe"))
                        .observersDiscoverServices(false)
                        .addObserver(health)
                        .build())
                .routing(routing -> routing.get("/", (request, response) -> response.send("quotes")))
                .build()
                .start();
        System.out.println("quotes: listening " + server.port() + " admin " + server.port("admin"));
    }
}
