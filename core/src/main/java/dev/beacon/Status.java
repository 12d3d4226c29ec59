package dev.beacon;

/**
 * Lifecycle status of a registered instance.
 *
 * <p>The usual path is {@code STARTING → UP → DRAINING → (deregistered)}; {@code DOWN} is entered and left as
 * health checks fail and pass. Clients route only to {@code UP} instances by default. {@code MAINTENANCE} is never
 * registered: a registry shows it in place of the registered status while an operator holds the instance out of
 * rotation ({@link ServiceInstance#maintenance()}).
 */
public enum Status {
    /** Listening, but not yet known to be ready (for example, before the first passing health check). */
    STARTING,
    /** Ready to take traffic. */
    UP,
    /** Registered but failing its health check; not routable. */
    DOWN,
    /** Shutting down: finishing in-flight work, takes no new traffic. */
    DRAINING,
    /**
     * Taken out of rotation by an operator ({@code beacon maint}) while its process keeps running; never chosen by
     * a client, whatever its filters. Shown by the registry in place of the registered status, with the details in
     * {@link ServiceInstance#maintenance()}, until the maintenance is lifted or its deadline passes. An instance
     * cannot be registered with it.
     */
    MAINTENANCE;

    /**
     * Parses a status name, ignoring case.
     *
     * @throws IllegalArgumentException naming the bad value and the valid ones
     */
    public static Status parse(String value) {
        if (value != null) {
            for (Status status : values()) {
                if (status.name().equalsIgnoreCase(value.trim())) {
                    return status;
                }
            }
        }
        throw new IllegalArgumentException(
                "status must be one of STARTING, UP, DOWN, DRAINING, MAINTENANCE, but was '" + value + "'");
    }
}
