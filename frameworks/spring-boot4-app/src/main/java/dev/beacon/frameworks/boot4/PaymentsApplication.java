package dev.beacon.frameworks.boot4;

import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A plain Spring Boot 4 web MVC app. {@code payments.ready-delay-ms} keeps it from being ready (Actuator's readiness
 * group says OUT_OF_SERVICE until the runners are done) for that long after its ports listen, so a test can see the
 * agent register it STARTING first.
 */
@SpringBootApplication
@RestController
public class PaymentsApplication {

    public static void main(String[] args) {
        SpringApplication.run(PaymentsApplication.class, args);
    }

    @GetMapping("/")
    String hello() {
        return "payments";
    }

    @Bean
    ApplicationRunner readyDelay(Environment env) {
        return args -> {
            long delay = env.getProperty("payments.ready-delay-ms", Long.class, 0L);
            Thread.sleep(delay);
            System.out.println("payments: ready");
        };
    }
}
