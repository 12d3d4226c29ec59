package dev.beacon.agent.declared;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * The application frameworks whose declared name, ports and readiness endpoint the agent knows, and how to tell
 * which one an app runs on without loading any of its classes: the main class, the manifest of the app's jar (a Boot
 * fat jar says {@code Spring-Boot-Version}), then a marker class on the class path.
 */
public enum Framework {
    SPRING_BOOT("Spring Boot", "org.springframework.boot.SpringApplication",
            List.of(new Endpoint("management", "/actuator/health/readiness"), new Endpoint("management", "/actuator/health"),
                    new Endpoint(null, "/actuator/health/readiness"), new Endpoint(null, "/actuator/health"))),
    MICRONAUT("Micronaut", "io.micronaut.runtime.Micronaut",
            List.of(new Endpoint("management", "/health/readiness"), new Endpoint(null, "/health/readiness"))),
    QUARKUS("Quarkus", "io.quarkus.runtime.Quarkus",
            List.of(new Endpoint("management", "/q/health/ready"), new Endpoint(null, "/q/health/ready"))),
    /**
     * Helidon SE 4: the observe feature's readiness endpoint, on the named socket that serves it
     * ({@code server.features.observe.sockets}; Helidon's documentation calls it {@code admin}) or the default socket.
     */
    HELIDON("Helidon", "io.helidon.webserver.WebServer",
            List.of(new Endpoint("admin", "/observe/health/ready"), new Endpoint("observe", "/observe/health/ready"),
                    new Endpoint("management", "/observe/health/ready"), new Endpoint(null, "/observe/health/ready"))),
    DROPWIZARD("Dropwizard", "io.dropwizard.core.Application", List.of(new Endpoint("admin", "/healthcheck"))),
    GRPC("gRPC", "io.grpc.Server", List.of());

    /**
     * A readiness endpoint: {@code path} on the port registered under {@code port} ({@code management}), or on the
     * primary port when {@code port} is null.
     */
    public record Endpoint(String port, String path) {
    }

    private final String displayName;
    private final String marker;
    private final List<Endpoint> readiness;

    Framework(String displayName, String marker, List<Endpoint> readiness) {
        this.displayName = displayName;
        this.marker = marker;
        this.readiness = readiness;
    }

    public String displayName() {
        return displayName;
    }

    /**
     * The readiness endpoints {@code health=auto} tries, in order; the first that exists (answers anything but 404)
     * is the one probed. Empty when the framework has none.
     */
    public List<Endpoint> readiness() {
        return readiness;
    }

    /** The framework of the app whose main class or jar is {@code main}; empty if none of these. */
    static Optional<Framework> detect(String main, ClassPathFiles classPath) {
        if (main.endsWith(".jar")) {
            Optional<Framework> fromManifest = fromManifest(Path.of(main));
            if (fromManifest.isPresent()) {
                return fromManifest;
            }
        } else {
            Optional<Framework> fromMain = fromClassName(main);
            if (fromMain.isPresent()) {
                return fromMain;
            }
        }
        for (Framework framework : values()) {
            if (classPath.hasClass(framework.marker)) {
                return Optional.of(framework);
            }
        }
        return Optional.empty();
    }

    private static Optional<Framework> fromManifest(Path jar) {
        try (JarFile file = new JarFile(jar.toFile())) {
            Manifest manifest = file.getManifest();
            if (manifest == null) {
                return Optional.empty();
            }
            if (manifest.getMainAttributes().getValue("Spring-Boot-Version") != null) {
                return Optional.of(SPRING_BOOT);
            }
            String mainClass = manifest.getMainAttributes().getValue("Main-Class");
            return mainClass == null ? Optional.empty() : fromClassName(mainClass);
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    private static Optional<Framework> fromClassName(String main) {
        if (main.startsWith("org.springframework.boot.")) {
            return Optional.of(SPRING_BOOT);
        }
        if (main.startsWith("io.quarkus.")) {
            return Optional.of(QUARKUS);
        }
        if (main.startsWith("io.micronaut.")) {
            return Optional.of(MICRONAUT);
        }
        if (main.startsWith("io.helidon.")) {
            return Optional.of(HELIDON);
        }
        return Optional.empty();
    }
}
