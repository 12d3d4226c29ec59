package dev.beacon.server.internal;

import dev.beacon.support.Texts;

import dev.beacon.ServiceInstance;
import dev.beacon.balance.Endpoint;
import dev.beacon.balance.LoadBalancer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Picks one instance with a named balancing strategy. Each (service, strategy) pair has its own balancer, as the
 * {@link LoadBalancer} contract expects, and sees the same endpoint list object while the candidates do not change,
 * so balancers that cache state per list (a hash ring) keep it. Weights come from the {@code weight} metadata, as in
 * the discovery client. The server makes no calls to the instances, so in-flight counts and latencies stay zero:
 * least-in-flight and power-of-two-choices fall back to their tie-breaking. At most {@value #MAX_STATES} pairs are
 * kept, least recently used evicted. Thread-safe.
 */
final class InstancePicker {

    /** The strategy of a pick that names none. */
    static final String DEFAULT_STRATEGY = "round-robin";
    static final int MAX_STATES = 1024;

    private final Map<String, Supplier<LoadBalancer>> strategies;
    private final Map<String, State> states = new LinkedHashMap<>(64, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, State> eldest) {
            return size() > MAX_STATES;
        }
    };

    /** @param strategies balancer factories by strategy name */
    InstancePicker(Map<String, Supplier<LoadBalancer>> strategies) {
        this.strategies = Map.copyOf(strategies);
    }

    /** The strategy names, sorted. */
    List<String> names() {
        return List.copyOf(new java.util.TreeSet<>(strategies.keySet()));
    }

    /** Checks a strategy name. @throws HttpError 400 listing the valid names */
    void check(String strategy) {
        if (!strategies.containsKey(strategy)) {
            throw HttpError.badRequest("unknown strategy " + Texts.quote(strategy) + "; valid: "
                    + String.join(", ", names()));
        }
    }

    /**
     * Picks one of {@code candidates} (instances of {@code service}), never one in maintenance, whatever the filters
     * let through.
     *
     * @return empty when there are no candidates
     */
    Optional<ServiceInstance> pick(String service, String strategy, List<ServiceInstance> filtered, String key) {
        check(strategy);
        List<ServiceInstance> candidates = filtered.stream().filter(i -> i.maintenance().isEmpty()).toList();
        if (candidates.isEmpty()) {
            return Optional.empty();
        }
        State state;
        synchronized (states) {
            state = states.computeIfAbsent(service + '\0' + strategy, k -> new State(strategies.get(strategy).get()));
        }
        return Optional.of(state.balancer.choose(state.endpoints(candidates), key).instance());
    }

    private static final class State {
        private final LoadBalancer balancer;
        private List<ServiceInstance> instances = List.of();
        private List<Endpoint> endpoints = List.of();

        State(LoadBalancer balancer) {
            this.balancer = balancer;
        }

        synchronized List<Endpoint> endpoints(List<ServiceInstance> candidates) {
            if (!candidates.equals(instances)) {
                List<Endpoint> fresh = new ArrayList<>(candidates.size());
                for (ServiceInstance instance : candidates) {
                    fresh.add(Endpoint.of(instance, weight(instance)));
                }
                instances = List.copyOf(candidates);
                endpoints = List.copyOf(fresh);
            }
            return endpoints;
        }

        private static double weight(ServiceInstance instance) {
            String configured = instance.metadata().get("weight");
            if (configured != null) {
                try {
                    double parsed = Double.parseDouble(configured);
                    if (parsed > 0 && !Double.isInfinite(parsed)) {
                        return parsed;
                    }
                } catch (NumberFormatException ignored) {
                    // a bad weight counts as 1, as in the discovery client
                }
            }
            return 1.0;
        }
    }
}
