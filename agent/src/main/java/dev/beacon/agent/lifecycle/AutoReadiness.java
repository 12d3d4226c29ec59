package dev.beacon.agent.lifecycle;

import dev.beacon.ServiceInstance;
import dev.beacon.agent.declared.Framework;
import dev.beacon.agent.logging.AgentLog;
import dev.beacon.health.HealthCheck;
import org.slf4j.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * {@code health=auto}: probes the readiness endpoint of the app's framework ({@link Framework#readiness()}). Until
 * one has passed, each probe tries the candidates in order — {@code /actuator/health/readiness} on the management
 * port, then {@code /actuator/health} there, then both on the app's port, for Spring Boot — and the first that
 * answers anything but 404 gives the probe's result: 2xx passes, anything else fails. The first candidate that passes
 * is kept (said once at INFO) and probed from then on. Not locking in a candidate before it passes keeps a 404 that
 * a starting app gives for a moment from demoting the app to a weaker endpoint for good. While none answers the probe
 * fails, so the instance stays STARTING. Runs on the self-check's thread only.
 */
final class AutoReadiness implements HealthCheck {

    private static final Logger log = AgentLog.get(AutoReadiness.class);

    private final Framework framework;
    private final Duration timeout;
    private Framework.Endpoint chosen;

    AutoReadiness(Framework framework, Duration timeout) {
        this.framework = framework;
        this.timeout = timeout;
    }

    @Override
    public Result check(ServiceInstance instance) {
        long start = System.nanoTime();
        List<Framework.Endpoint> candidates = chosen != null ? List.of(chosen) : framework.readiness();
        String last = "no " + framework.displayName() + " readiness endpoint is listening yet";
        for (Framework.Endpoint endpoint : candidates) {
            Integer port = endpoint.port() == null ? Integer.valueOf(instance.port())
                    : instance.ports().get(endpoint.port());
            if (port == null) {
                continue;
            }
            String url = "http://" + hostOf(instance) + ":" + port + endpoint.path();
            int status;
            try {
                status = get(url);
            } catch (IOException | RuntimeException e) {
                last = url + ": " + e;
                continue;
            }
            if (status == 404 && chosen == null) {
                last = url + " answered 404";
                continue;
            }
            if (chosen == null && status / 100 == 2) {
                chosen = endpoint;
                log.info("health=auto: probing {}'s readiness endpoint {}", framework.displayName(), url);
            }
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            return status / 100 == 2 ? Result.pass(url + " answered " + status, elapsed)
                    : Result.fail(url + " answered " + status, elapsed);
        }
        return Result.fail(last, Duration.ofNanos(System.nanoTime() - start));
    }

    /** The endpoint chosen so far; null until one answered. */
    Framework.Endpoint chosen() {
        return chosen;
    }

    private static String hostOf(ServiceInstance instance) {
        String host = instance.host();
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    private int get(String url) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) URI.create(url).toURL().openConnection(Proxy.NO_PROXY);
        try {
            connection.setConnectTimeout((int) timeout.toMillis());
            connection.setReadTimeout((int) timeout.toMillis());
            connection.setInstanceFollowRedirects(false);
            connection.setRequestProperty("Accept", "application/json");
            int status = connection.getResponseCode();
            try (InputStream body = status >= 400 ? connection.getErrorStream() : connection.getInputStream()) {
                if (body != null) {
                    body.readNBytes(64 * 1024);
                }
            }
            return status;
        } finally {
            connection.disconnect();
        }
    }
}
