package dev.beacon.client.internal;

import dev.beacon.ServiceInstance;
import dev.beacon.balance.LoadBalancer;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** The discovery client's settings, validated by its builder. */
public record ClientSettings(
        Predicate<ServiceInstance> filter,
        Supplier<LoadBalancer> balancer,
        Optional<String> localZone,
        double panicThreshold,
        int ejectAfterFailures,
        Duration baseEjection,
        Duration maxEjection,
        double maxEjectedFraction,
        Duration slowStart,
        double slowStartMinWeight,
        Duration refreshInterval,
        Clock clock) {
}
