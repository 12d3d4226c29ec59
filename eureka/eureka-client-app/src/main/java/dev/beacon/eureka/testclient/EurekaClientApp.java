package dev.beacon.eureka.testclient;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A Spring Cloud Netflix Eureka client app as teams write them: it reads the registry through Spring's
 * {@link DiscoveryClient} and shows what it finds at {@code GET /found/{service}} (JSON: a list of
 * {@code {host, port, metadata}}), and lists the services at {@code GET /services}.
 */
@SpringBootApplication
@RestController
public class EurekaClientApp {

    private final DiscoveryClient discovery;

    public EurekaClientApp(DiscoveryClient discovery) {
        this.discovery = discovery;
    }

    @GetMapping("/services")
    public List<String> services() {
        return discovery.getServices();
    }

    @GetMapping("/found/{service}")
    public List<Map<String, Object>> found(@PathVariable String service) {
        return discovery.getInstances(service).stream().map(EurekaClientApp::describe).toList();
    }

    private static Map<String, Object> describe(ServiceInstance instance) {
        Map<String, Object> shown = new TreeMap<>();
        shown.put("serviceId", instance.getServiceId());
        shown.put("instanceId", instance.getInstanceId());
        shown.put("host", instance.getHost());
        shown.put("port", instance.getPort());
        shown.put("metadata", new TreeMap<>(instance.getMetadata()));
        return shown;
    }

    public static void main(String[] args) {
        SpringApplication.run(EurekaClientApp.class, args);
    }
}
