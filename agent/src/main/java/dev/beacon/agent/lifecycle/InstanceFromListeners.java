package dev.beacon.agent.lifecycle;

import dev.beacon.ServiceInstance;
import dev.beacon.Status;
import dev.beacon.agent.config.AgentConfig;
import dev.beacon.agent.declared.BindStack;
import dev.beacon.agent.detect.AdvertisedAddress;
import dev.beacon.agent.detect.Cidr;
import dev.beacon.agent.detect.Listener;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the app's listeners into the instance to register: which port is the primary, how the others are named, and
 * which address is advertised. Not thread-safe: used on the agent's thread under its lock.
 */
final class InstanceFromListeners {

    private final AgentConfig config;
    private final String instanceId;
    private final Cidr network;
    private InetAddress chosenFor;
    private AdvertisedAddress.Choice chosen;

    InstanceFromListeners(AgentConfig config, String instanceId) {
        this.config = config;
        this.instanceId = instanceId;
        this.network = config.network().map(Cidr::parse).orElse(null);
    }

    /**
     * The instance for these listeners, with {@code status}; null when there is none. Its host is the advertised
     * address ({@link #address()} says why); the primary port is {@link #primary}'s; every other listener is in
     * {@code ports}, under its name from {@code ports=} or the app's declared configuration, else the role its
     * binding stack gave it ({@code roles}: {@code management}, {@code grpc}, ...), else {@code tcp-<port>}.
     */
    ServiceInstance desired(Map<Integer, Listener> listeners, Map<Integer, String> roles, Status status) {
        Listener primary = primary(listeners, roles);
        if (primary == null) {
            return null;
        }
        Map<String, Integer> others = new LinkedHashMap<>();
        for (Listener listener : listeners.values()) {
            if (listener.port() != primary.port()) {
                String name = config.nameOf(listener.port()).orElse(null);
                if (name == null) {
                    String role = roles.get(listener.port());
                    name = role == null || others.containsKey(role) ? "tcp-" + listener.port() : role;
                }
                others.put(name, listener.port());
            }
        }
        return ServiceInstance.builder(config.service())
                .id(instanceId)
                .host(advertised(primary.address()).host())
                .port(primary.port())
                .status(status)
                .metadata(config.metadata())
                .ports(others)
                .build();
    }

    /** Why the last {@link #desired} instance advertises its host; null before the first. */
    AdvertisedAddress.Choice address() {
        return chosen;
    }

    /** Chooses the address again at the next {@link #desired} (the network interfaces may have changed). */
    void forgetAddress() {
        chosen = null;
    }

    /**
     * Where the self-check reaches the app: {@code desired}, at the address its primary listener is bound to (the
     * loopback address for a wildcard bind), not the advertised one, which may be a NAT or load balancer address.
     */
    ServiceInstance probeTarget(Map<Integer, Listener> listeners, Map<Integer, String> roles,
                                ServiceInstance desired) {
        Listener primary = primary(listeners, roles);
        InetAddress bound = primary == null ? null : primary.address();
        String host = bound == null || bound.isAnyLocalAddress() ? "127.0.0.1" : bound.getHostAddress();
        return desired.toBuilder().host(host).build();
    }

    /**
     * The listener whose port is registered; null if none. The rule, first match wins: {@code port=}; the first port
     * named by {@code ports=} (then the app's declared {@code http}/{@code grpc} ports) that listens, unless its name
     * is a side port's ({@code management}, {@code admin}, {@code jmx}, {@code debug}, {@code controller}); the first
     * listener, in bind order, that is no side port (by its name or its binding stack's role) and not bound to a
     * loopback address; then one that is no side port; then — unless a port of the app's own is named (an
     * {@code http} port the configuration fixes, say) and does not listen yet: then none, so that an app that opens
     * its admin socket first is not registered at it meanwhile — the first not on loopback; then the first.
     */
    private Listener primary(Map<Integer, Listener> listeners, Map<Integer, String> roles) {
        if (listeners.isEmpty()) {
            return null;
        }
        List<Listener> ordered = new ArrayList<>(listeners.values());
        if (config.port().isPresent()) {
            int forced = config.port().getAsInt();
            return ordered.stream().filter(l -> l.port() == forced).findFirst()
                    .orElse(new Listener(forced, ordered.get(0).address(), null));
        }
        for (Map.Entry<String, Integer> named : config.namedPorts().entrySet()) {
            Listener listener = listeners.get(named.getValue());
            if (listener != null && !BindStack.isSidePort(named.getKey())) {
                return listener;
            }
        }
        List<Listener> app = new ArrayList<>();
        for (Listener listener : ordered) {
            if (!BindStack.isSidePort(config.nameOf(listener.port()).orElse(roles.get(listener.port())))) {
                app.add(listener);
            }
        }
        if (app.isEmpty() && config.namedPorts().keySet().stream().anyMatch(name -> !BindStack.isSidePort(name))) {
            return null; // only side ports listen, and the app's own declared port is still to come
        }
        for (List<Listener> candidates : List.of(app, ordered)) {
            for (Listener listener : candidates) {
                if (!listener.address().isLoopbackAddress()) {
                    return listener;
                }
            }
            if (!candidates.isEmpty()) {
                return candidates.get(0);
            }
        }
        return ordered.get(0);
    }

    /**
     * The address to advertise for a listener bound to {@code bound}. Choosing it enumerates the network interfaces,
     * so it is done once per bound address and again after each {@link #forgetAddress()} (each {@code /proc} scan,
     * every 10 s), not on every step.
     */
    private AdvertisedAddress.Choice advertised(InetAddress bound) {
        if (chosen == null || !bound.equals(chosenFor)) {
            chosen = AdvertisedAddress.choose(config.host().orElse(null), bound,
                    config.networkInterface().orElse(null), network);
            chosenFor = bound;
        }
        return chosen;
    }
}
