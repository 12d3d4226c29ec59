package dev.beacon.agent.config;

import dev.beacon.agent.declared.Framework;
import dev.beacon.health.HealthThresholds;

import java.time.Duration;
import java.util.Objects;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The agent's settings, validated. Built by {@link AgentConfigParser} from the agent arguments, {@code beacon.*}
 * system properties and {@code BEACON_*} environment variables.
 *
 * @param enabled      {@code enabled=}; when false the agent does nothing
 * @param service      {@code service=}; the service name to register under
 * @param registry     {@code registry=}; the registry URI
 * @param ttl          {@code ttl=}; the lease
 * @param heartbeat    {@code heartbeat=}; the renewal period, shorter than the lease
 * @param host         {@code host=}; the address to advertise, if forced
 * @param port         {@code port=}; the port to register, if forced
 * @param id           {@code id=}; the instance id, if forced
 * @param metadata     {@code meta.<key>=<value>} pairs
 * @param excludePorts {@code exclude-ports=}; ports never registered
 * @param drain        {@code drain=}; how long shutdown waits after deregistering, before the app's own hooks run
 * @param health       {@code health=} and its companions; empty when the app is registered UP without checks
 * @param logLevel     {@code log=}; the agent's log level
 * @param namedPorts   {@code ports=name:port,...} then Spring Boot's {@code server.port} ({@code http}) and
 *                     {@code management.server.port} ({@code management}), in that order: names for the registered
 *                     ports; the first one that listens is the primary unless {@code port=} is given
 * @param networkInterface {@code interface=}; advertise an address of this network interface
 * @param network      {@code network=}; advertise an address inside this CIDR block
 * @param serviceSource where {@link #service} comes from, for the INFO line: {@code service=}, or what the app
 *                     declares ({@code spring.application.name in BOOT-INF/classes/application.yml}), or the rule
 *                     that named it ({@code the jar orders-1.4.jar})
 * @param framework    the application framework the app runs on, when the agent read its declared configuration and
 *                     knows it; {@code health=auto} probes its readiness endpoint
 */
public record AgentConfig(
        boolean enabled,
        String service,
        String registry,
        Duration ttl,
        Duration heartbeat,
        Optional<String> host,
        OptionalInt port,
        Optional<String> id,
        Map<String, String> metadata,
        Set<Integer> excludePorts,
        Duration drain,
        Optional<Health> health,
        String logLevel,
        Map<String, Integer> namedPorts,
        Optional<String> networkInterface,
        Optional<String> network,
        String serviceSource,
        Optional<Framework> framework) {

    public AgentConfig {
        metadata = Map.copyOf(metadata);
        excludePorts = Set.copyOf(excludePorts);
        Objects.requireNonNull(health, "health");
        namedPorts = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(namedPorts));
        Objects.requireNonNull(networkInterface, "networkInterface");
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(serviceSource, "serviceSource");
        Objects.requireNonNull(framework, "framework");
    }

    /** The name of {@code port} from {@code ports=} or Spring Boot's properties, if it has one. */
    public Optional<String> nameOf(int port) {
        for (Map.Entry<String, Integer> entry : namedPorts.entrySet()) {
            if (entry.getValue() == port) {
                return Optional.of(entry.getKey());
            }
        }
        return Optional.empty();
    }

    /**
     * The self-check.
     *
     * @param target     {@code health=}: a path probed on the registered port ({@code /health}), a full URL
     *                   ({@code http://127.0.0.1:8081/ready}), or {@code auto} (the framework's readiness endpoint)
     * @param interval   {@code health-interval=}; time between probes
     * @param thresholds {@code health-rise=} and {@code health-fall=}
     */
    public record Health(String target, Duration interval, HealthThresholds thresholds) {

        public Health {
            Objects.requireNonNull(target, "target");
            Objects.requireNonNull(interval, "interval");
            Objects.requireNonNull(thresholds, "thresholds");
        }

        /** Whether {@link #target} is a path on the registered port rather than a full URL. */
        public boolean isPath() {
            return target.startsWith("/");
        }

        /** Whether {@link #target} is {@code auto}: the framework's readiness endpoint. */
        public boolean isAuto() {
            return target.equals(HealthSettings.AUTO);
        }
    }
}
