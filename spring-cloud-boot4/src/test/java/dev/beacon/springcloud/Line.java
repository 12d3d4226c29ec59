package dev.beacon.springcloud;

import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Configuration;

/** What the tests do differently on Spring Boot 4 (this copy) and Spring Boot 3 (beacon-spring-cloud's). */
final class Line {

    private Line() {
    }

    /** The Beacon component of {@code /actuator/health} is UP. */
    static boolean beaconHealthUp(ApplicationContext context) {
        return Status.UP.equals(context.getBean(HealthEndpoint.class).healthForPath("beacon").getStatus());
    }

    /** Nothing: OpenFeign 5 brings its message converters itself. */
    @Configuration(proxyBeanMethods = false)
    static class FeignSupport {
    }
}
