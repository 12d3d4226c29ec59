package dev.beacon.springcloud;

import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.http.HttpMessageConverters;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** What the tests do differently on Spring Boot 3 (this copy) and Spring Boot 4 (beacon-spring-cloud-boot4's). */
final class Line {

    private Line() {
    }

    /** The Beacon component of {@code /actuator/health} is UP. */
    static boolean beaconHealthUp(ApplicationContext context) {
        return Status.UP.equals(context.getBean(HealthEndpoint.class).healthForPath("beacon").getStatus());
    }

    /** What OpenFeign decodes with; Boot 3 makes it only in servlet apps, and the test app is reactive. */
    @Configuration(proxyBeanMethods = false)
    static class FeignSupport {
        @Bean
        HttpMessageConverters feignMessageConverters() {
            return new HttpMessageConverters();
        }
    }
}
