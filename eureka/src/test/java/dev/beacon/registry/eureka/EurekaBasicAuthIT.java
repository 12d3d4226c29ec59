package dev.beacon.registry.eureka;

import dev.beacon.RegistryUnavailableException;
import dev.beacon.ServiceInstance;
import dev.beacon.registry.Registration;
import dev.beacon.registry.Registries;
import dev.beacon.registry.ServiceRegistry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A Eureka server protected as teams protect it (Spring Security, HTTP basic authentication required for every
 * request, see {@link EurekaServers#startRequiringBasicAuth}): with the right {@code user:password} in the URI
 * everything works; with a wrong password or none, one clear error names the server, with the password masked, and
 * the password is in no message, {@code toString()} or log line.
 */
class EurekaBasicAuthIT {

    @RegisterExtension
    static EurekaServers eureka = new EurekaServers();

    private static final String PASSWORD = "pw-S3cr3t-eu";
    private static final String WRONG = "pw-Wr0ng-eu";
    private static EurekaTestServer server;

    @BeforeAll
    static void startServer() {
        server = eureka.startRequiringBasicAuth("beacon", PASSWORD);
    }

    private static String uri(String credentials) {
        return "eureka://" + credentials + "127.0.0.1:" + server.port() + "/eureka?timeout=2s";
    }

    private static ServiceInstance instance(String id) {
        return ServiceInstance.builder("secured").id(id).host("127.0.0.1").port(8080).metadata("version", "3.1")
                .build();
    }

    /** What the server holds of the app, read with the right credentials. */
    private static String held() {
        return server.get("/eureka/apps/SECURED").body();
    }

    /**
     * The lines written to {@code System.out} and {@code System.err} while {@code step} ran: where the log lines go
     * (this module's test classpath has slf4j-simple, writing to the one, and the Eureka test server's logback,
     * writing to the other; both look the stream up at every call).
     */
    private static List<String> consoleDuring(dev.beacon.testing.Stderr.Step step) throws Exception {
        java.io.PrintStream out = System.out;
        java.io.PrintStream err = System.err;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        java.io.PrintStream both = new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8);
        System.setOut(both);
        System.setErr(both);
        try {
            step.run();
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        String text = captured.toString(java.nio.charset.StandardCharsets.UTF_8);
        out.print(text); // still in the test's output
        return text.lines().toList();
    }

    @Test
    void server_refusesARequestWithoutCredentials_answersOneWithThem() throws Exception {
        // else the tests below could pass against a server that lets everyone in
        HttpResponse<String> anonymous = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.port() + "/eureka/apps"))
                .header("Accept", "application/json").timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(server.get("/eureka/apps").statusCode()).isEqualTo(200);
    }

    @Test
    void rightCredentials_registerRenewReadCancelWork() {
        server.clear();
        try (ServiceRegistry registry = Registries.open(uri("beacon:" + PASSWORD + "@"))) {
            registry.register(instance("s-1"), Duration.ofSeconds(30));

            assertThat(registry.instances("secured")).containsExactly(instance("s-1"));
            assertThat(held()).contains("\"s-1\"", "\"version\":\"3.1\"");
            assertThat(registry.renew("secured", "s-1")).isTrue();
            assertThat(registry.leases("secured")).hasSize(1);
            assertThat(registry.services()).contains("secured");

            assertThat(registry.deregister("secured", "s-1")).isTrue();
            assertThat(registry.instances("secured")).isEmpty();
            assertThat(registry.toString()).doesNotContain(PASSWORD);
        }
    }

    @Test
    void wrongPassword_eachCallFailsWithOneMessageNamingTheServer_passwordMasked() {
        server.clear();
        try (ServiceRegistry registry = Registries.open(uri("beacon:" + WRONG + "@"))) {
            RegistryUnavailableException register = assertThrows(RegistryUnavailableException.class,
                    () -> registry.register(instance("w-1"), Duration.ofSeconds(30)));
            RegistryUnavailableException read = assertThrows(RegistryUnavailableException.class,
                    () -> registry.instances("secured"));

            assertThat(register).hasMessage("Eureka registry eureka://beacon:****@127.0.0.1:" + server.port()
                    + "/eureka?timeout=2s refused to register secured/w-1: HTTP 401 from http://127.0.0.1:"
                    + server.port() + "/eureka (check the user:password in the URI)");
            assertThat(read.getMessage()).contains("refused to read secured: HTTP 401 from http://127.0.0.1:"
                    + server.port() + "/eureka").doesNotContain(WRONG);
            assertThat(registry.toString()).doesNotContain(WRONG);
            assertThat(held()).doesNotContain("w-1");
        }
    }

    @Test
    void noCredentials_failsWithAMessageSayingTheServerAsksForThem() {
        try (ServiceRegistry registry = Registries.open(uri(""))) {
            RegistryUnavailableException e = assertThrows(RegistryUnavailableException.class,
                    () -> registry.renew("secured", "n-1"));

            assertThat(e).hasMessage("Eureka registry eureka://127.0.0.1:" + server.port() + "/eureka?timeout=2s "
                    + "refused to read secured/n-1: HTTP 401 from http://127.0.0.1:" + server.port() + "/eureka "
                    + "(it asks for credentials: give them in the URI, eureka://user:password@host:port/…)");
        }
    }

    @Test
    void registration_wrongPassword_keepsTheInstanceAndRetries_oneWarningWithoutThePassword() throws Exception {
        server.clear();
        ServiceInstance instance = instance("r-1");
        try (ServiceRegistry registry = Registries.open(uri("beacon:" + WRONG + "@"))) {
            Registration[] registration = new Registration[1];
            List<String> logged = consoleDuring(() -> {
                registration[0] = Registration.start(registry, instance, Duration.ofSeconds(3));
                Thread.sleep(2_500); // several retries
            });
            try {
                assertThat(registration[0].instance()).as("kept, to register when the registry lets it")
                        .isEqualTo(instance);
                assertThat(registration[0].toString()).doesNotContain(WRONG);
                assertThat(held()).doesNotContain("r-1");
                List<String> warnings = logged.stream().filter(line -> line.contains("WARN")).toList();
                assertThat(warnings).as(String.join("\n", logged)).hasSize(1);
                assertThat(String.join("\n", logged)).contains("eureka://beacon:****@127.0.0.1:" + server.port(),
                        "HTTP 401 from http://127.0.0.1:" + server.port() + "/eureka").doesNotContain(WRONG);
            } finally {
                registration[0].close();
            }
        }
    }
}
