package dev.beacon.eureka.testserver;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.cloud.netflix.eureka.server.EnableEurekaServer;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;

/**
 * A plain Spring Cloud Netflix Eureka server; the tests configure it on the command line (port, caches, timers).
 * With {@code --beacon.require-basic-auth=true} every request needs HTTP basic authentication as the user
 * {@code spring.security.user.name} / {@code spring.security.user.password} (Spring Security, the usual protection of
 * a Eureka server); without it every request is let through, as without Spring Security.
 */
@SpringBootApplication
@EnableEurekaServer
public class EurekaServerApp {

    public static void main(String[] args) {
        SpringApplication.run(EurekaServerApp.class, args);
    }

    @Bean
    SecurityFilterChain security(HttpSecurity http,
                                 @Value("${beacon.require-basic-auth:false}") boolean requireBasicAuth)
            throws Exception {
        // Eureka's clients send no CSRF token, and keep no session
        http.csrf(csrf -> csrf.disable())
                .sessionManagement(sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
        if (requireBasicAuth) {
            http.authorizeHttpRequests(requests -> requests.anyRequest().authenticated())
                    .httpBasic(Customizer.withDefaults());
        } else {
            http.authorizeHttpRequests(requests -> requests.anyRequest().permitAll());
        }
        return http.build();
    }
}
