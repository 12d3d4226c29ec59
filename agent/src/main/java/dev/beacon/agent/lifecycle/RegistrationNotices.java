package dev.beacon.agent.lifecycle;

import dev.beacon.ServiceInstance;
import dev.beacon.agent.config.AgentConfig;
import dev.beacon.agent.detect.AdvertisedAddress;
import dev.beacon.agent.logging.AgentLog;
import dev.beacon.registry.Registration;
import dev.beacon.registry.Registries;
import dev.beacon.registry.RegistryUris;
import org.slf4j.Logger;

import java.util.Locale;

/**
 * The agent's lines about its registration: which address it advertises and why (with a warning when
 * {@code interface=} or {@code network=} matched nothing, and one when only a loopback address is advertised in a
 * registry other machines share), the registration itself when its address or ports change, and the
 * deregistration with its reason. The registry's availability is reported by core's {@link Registration}.
 *
 * <p>Thread-safe: {@link Registration} calls it on the agent's thread, the shutdown thread, or its own thread (a
 * registration after an outage).
 */
final class RegistrationNotices implements Registration.Listener {

    private static final Logger log = AgentLog.get(RegistrationNotices.class);

    private final AgentConfig config;
    private final String health;
    private AdvertisedAddress.Choice address; // guarded by this
    private String withdrawal = ""; // guarded by this
    private ServiceInstance lastAnnounced; // guarded by this
    private boolean warnedLoopback; // guarded by this

    /** @param health the self-check for the registration line ({@link SelfCheck#describe()}), or null if none */
    RegistrationNotices(AgentConfig config, String health) {
        this.config = config;
        this.health = health;
    }

    /** Why the next registration advertises its host: said with it, if the host changed. */
    synchronized void addressChosen(AdvertisedAddress.Choice choice) {
        this.address = choice;
    }

    /** Why the next deregistration happens, as it ends the line: {@code " (JVM shutdown)"}. */
    synchronized void withdrawing(String reason) {
        this.withdrawal = reason;
    }

    @Override
    public synchronized void registered(ServiceInstance instance) {
        if (lastAnnounced == null || !lastAnnounced.host().equals(instance.host())) {
            String reason = address != null && address.host().equals(instance.host()) ? address.reason() : "";
            log.info("advertising {}: {}", instance.host(), reason);
            if (address != null && !address.missed().isEmpty()) {
                log.warn("{}: advertising {} by the default rule instead; check the setting", address.missed(),
                        instance.host());
            }
            if (isLoopback(instance.host()) && !warnedLoopback && spansHosts(config.registry())) {
                warnedLoopback = true;
                log.warn("the app only listens on a loopback address ({}); other machines sharing registry {} cannot "
                        + "reach it: bind it to a reachable address or set host=", instance.address(),
                        RegistryUris.mask(config.registry()));
            }
        }
        if (lastAnnounced == null || lastAnnounced.port() != instance.port()
                || !lastAnnounced.host().equals(instance.host()) || !lastAnnounced.ports().equals(instance.ports())) {
            log.info("registered service={} id={} at {}{} in {} (ttl {} ms, heartbeat {} ms){}", instance.service(),
                    instance.id(), instance.address(), instance.ports().isEmpty() ? "" : " ports " + instance.ports(),
                    RegistryUris.mask(config.registry()), config.ttl().toMillis(), config.heartbeat().toMillis(),
                    health == null ? "" : " as " + instance.status() + "; health " + health);
        }
        lastAnnounced = instance;
    }

    @Override
    public synchronized void deregistered(ServiceInstance instance) {
        log.info("deregistered service={} id={}{}", instance.service(), instance.id(), withdrawal);
    }

    private static boolean isLoopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.startsWith("127.") || h.equals("::1") || h.equals("[::1]") || h.equals("0:0:0:0:0:0:0:1")
                || h.equals("localhost");
    }

    /**
     * True when the registry can be shared with other machines: a Redis registry with at least one host that is not
     * a loopback address. (A file or memory registry, or a Redis on this machine's loopback, is this machine's own.)
     */
    static boolean spansHosts(String registryUri) {
        try {
            return Registries.hosts(registryUri).stream().anyMatch(host -> !isLoopback(host));
        } catch (IllegalArgumentException unparsable) {
            return true; // cannot tell: warn, as before this check existed
        }
    }
}
