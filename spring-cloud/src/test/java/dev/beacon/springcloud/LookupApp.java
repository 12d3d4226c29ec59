package dev.beacon.springcloud;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.cloud.openfeign.EnableFeignClients;
import org.springframework.cloud.openfeign.FeignClient;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

import java.time.Duration;
import java.util.Map;

/**
 * The Spring Boot application under test, in the test's JVM: a reactive web app with a Gateway route
 * {@code /gw/** → lb://orders}, a {@code @LoadBalanced RestClient}, a {@code @LoadBalanced WebClient} and an
 * OpenFeign client of {@code orders}; no code of Beacon's, only the dependency and {@code beacon.registry}.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@EnableFeignClients(clients = LookupApp.OrdersClient.class)
@Import(Line.FeignSupport.class)
class LookupApp {

    @FeignClient(name = "orders")
    interface OrdersClient {
        @GetMapping("/")
        String root();
    }

    @Bean
    @LoadBalanced
    RestClient.Builder restClientBuilder() {
        return RestClient.builder();
    }

    @Bean
    @LoadBalanced
    WebClient.Builder webClientBuilder() {
        return WebClient.builder();
    }

    static ConfigurableApplicationContext start(String registry, Map<String, Object> more) {
        Map<String, Object> properties = new java.util.HashMap<>(Map.of(
                "beacon.registry", registry,
                "server.port", "0",
                "server.address", "127.0.0.1",
                "spring.main.banner-mode", "off",
                "management.endpoints.web.exposure.include", "health",
                "management.endpoint.health.show-details", "always",
                "spring.cloud.gateway.server.webflux.routes[0].id", "orders",
                "spring.cloud.gateway.server.webflux.routes[0].uri", "lb://orders",
                "spring.cloud.gateway.server.webflux.routes[0].predicates[0]", "Path=/gw/**",
                "spring.cloud.gateway.server.webflux.routes[0].filters[0]", "StripPrefix=1"));
        properties.putAll(more);
        return new SpringApplicationBuilder(LookupApp.class).web(WebApplicationType.REACTIVE).properties(properties)
                .run();
    }

    /** The clients of the running app, each calling {@code GET http://orders/} and returning the body. */
    record Clients(RestClient rest, WebClient web, OrdersClient feign, java.net.http.HttpClient http, int port) {

        static Clients of(ConfigurableApplicationContext context) {
            return new Clients(context.getBean(RestClient.Builder.class).build(),
                    context.getBean(WebClient.Builder.class).build(), context.getBean(OrdersClient.class),
                    java.net.http.HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build(),
                    context.getEnvironment().getRequiredProperty("local.server.port", Integer.class));
        }

        String viaRestClient() {
            return rest.get().uri("http://orders/").retrieve().body(String.class);
        }

        String viaWebClient() {
            return web.get().uri("http://orders/").retrieve().bodyToMono(String.class).block(Duration.ofSeconds(5));
        }

        String viaFeign() {
            return feign.root();
        }

        String viaGateway() throws Exception {
            java.net.http.HttpResponse<String> response = http.send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + port + "/gw/")).timeout(Duration.ofSeconds(5)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("gateway answered " + response.statusCode() + ": " + response.body());
            }
            return response.body();
        }
    }
}
