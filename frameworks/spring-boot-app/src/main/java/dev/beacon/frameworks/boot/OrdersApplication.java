package dev.beacon.frameworks.boot;

import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A plain Spring Boot web app. {@code orders.ready-delay-ms} keeps it from being ready (Actuator's readiness group
 * says OUT_OF_SERVICE until the runners are done) for that long after its ports listen, so a test can see the agent
 * register it STARTING first.
 */
@SpringBootApplication
@RestController
public class OrdersApplication {

    public static void main(String[] args) {
        SpringApplication.run(OrdersApplication.class, args);
    }

    @GetMapping("/")
    String hello() {
        return "orders";
    }

    @Bean
    ApplicationRunner readyDelay(org.springframework.core.env.Environment env) {
        return args -> {
            long delay = env.getProperty("orders.ready-delay-ms", Long.class, 0L);
            Thread.sleep(delay);
            System.out.println("orders: ready");
        };
    }
}
