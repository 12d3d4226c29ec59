package dev.beacon.servers.apps.boot;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.web.context.WebServerInitializedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.Map;

/**
 * A minimal Spring Boot 3 web app (embedded Tomcat), run from the class path. Args: {@code [port]}; the default is
 * {@code server.port=0}. Prints the port the web server reports once it is up.
 */
@SpringBootApplication
@RestController
public class BootApp {

    public static void main(String[] args) {
        SpringApplication app = new SpringApplication(BootApp.class);
        app.setDefaultProperties(Map.of(
                "server.port", args.length > 0 ? args[0] : "0",
                "spring.main.banner-mode", "off"));
        app.run();
    }

    @GetMapping("/")
    public String hello() {
        return "hello from boot\n";
    }

    @EventListener
    public void onWebServerUp(WebServerInitializedEvent event) {
        System.out.println("spring boot " + SpringBootVersion.getVersion() + " on "
                + event.getWebServer().getClass().getSimpleName());
        System.out.println("listening on " + event.getWebServer().getPort());
        System.out.flush();
    }
}
