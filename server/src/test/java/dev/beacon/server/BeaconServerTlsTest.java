package dev.beacon.server;

import dev.beacon.ServiceInstance;
import dev.beacon.testing.TlsFiles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * HTTPS on the JDK's HttpsServer, with certificates {@code openssl} makes at test time, read by a real TLS client (the
 * JDK's HttpClient): PEM (RSA and EC) and PKCS#12 both serve; a client that does not trust the certificate is refused
 * in the handshake; a plain-HTTP request gets no HTTP answer and no registry data; event streams flow over TLS.
 */
class BeaconServerTlsTest {

    @TempDir
    Path dir;

    private final SwitchableRegistry registry = new SwitchableRegistry();
    private final List<BeaconServer> servers = new ArrayList<>();
    private TlsFiles files;

    @BeforeEach
    void register() {
        files = TlsFiles.in(dir);
        registry.register(ServiceInstance.builder("orders").id("secret-orders-1").host("10.0.0.5").port(8080).build(),
                Duration.ofMinutes(5));
    }

    @AfterEach
    void close() {
        servers.forEach(BeaconServer::close);
        registry.close();
    }

    private BeaconServer start(BeaconServer.Builder builder) {
        BeaconServer server = builder.port(0).build().start();
        servers.add(server);
        return server;
    }

    private static HttpClient client(SSLContext trust, String... protocols) {
        HttpClient.Builder client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(trust)
                .connectTimeout(Duration.ofSeconds(5));
        if (protocols.length > 0) {
            SSLParameters parameters = new SSLParameters();
            parameters.setProtocols(protocols);
            client.sslParameters(parameters);
        }
        return client.build();
    }

    private static HttpResponse<String> get(HttpClient client, URI uri) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static URI servicesOf(BeaconServer server, String host) {
        return URI.create("https://" + host + ":" + server.address().getPort() + "/services");
    }

    @Test
    void tls_pemRsa_servesHttpsWithTls13ToAClientTrustingTheCertificate() throws Exception {
        TlsFiles.Pem rsa = files.rsa();
        BeaconServer server = start(BeaconServer.builder(registry).tls(rsa.certificate(), rsa.key()));

        HttpResponse<String> response = get(client(TlsFiles.trusting(rsa.certificate())), server.uri().resolve(
                "/services"));

        assertThat(server.uri().toString()).startsWith("https://127.0.0.1:");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("secret-orders-1");
        assertThat(response.sslSession()).hasValueSatisfying(session ->
                assertThat(session.getProtocol()).isEqualTo("TLSv1.3"));
        assertThat(server.toString()).contains("TLS CN=localhost, RSA, valid until");
    }

    @Test
    void tls_pemEc_serves_alsoToATls12OnlyClient_andByTheNameLocalhost() throws Exception {
        TlsFiles.Pem ec = files.ec();
        BeaconServer server = start(BeaconServer.builder(registry).tls(ec.certificate(), ec.key()));
        HttpClient tls12 = client(TlsFiles.trusting(ec.certificate()), "TLSv1.2");

        HttpResponse<String> response = get(tls12, servicesOf(server, "localhost"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("secret-orders-1");
        assertThat(response.sslSession().orElseThrow().getProtocol()).isEqualTo("TLSv1.2");
    }

    @Test
    void tls_pkcs12Keystore_serves() throws Exception {
        TlsFiles.Pem rsa = files.rsa();
        Path keystore = files.pkcs12(rsa, "store-pw-1");
        BeaconServer server = start(BeaconServer.builder(registry).tlsKeystore(keystore,
                "store-pw-1".toCharArray()));

        HttpResponse<String> response = get(client(TlsFiles.trusting(rsa.certificate())),
                servicesOf(server, "127.0.0.1"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("secret-orders-1");
    }

    @Test
    void tls_clientThatDoesNotTrustTheCertificate_isRefusedInTheHandshake() throws Exception {
        TlsFiles.Pem served = files.ec();
        TlsFiles.Pem other = files.ec(); // same name, another key: what an impostor would present
        BeaconServer server = start(BeaconServer.builder(registry).tls(served.certificate(), served.key()));

        assertThrows(SSLHandshakeException.class,
                () -> get(client(TlsFiles.trusting(other.certificate())), servicesOf(server, "127.0.0.1")));
        assertThrows(SSLHandshakeException.class,
                () -> get(client(SSLContext.getDefault()), servicesOf(server, "127.0.0.1")));
        // still serving those who trust it
        assertThat(get(client(TlsFiles.trusting(served.certificate())), servicesOf(server, "127.0.0.1"))
                .statusCode()).isEqualTo(200);
    }

    @Test
    void tls_plainHttpRequest_getsNoHttpAnswerAndNoRegistryData() throws Exception {
        TlsFiles.Pem ec = files.ec();
        // a read deadline far beyond the client's wait: an answer within the wait is the server's own doing
        BeaconServer server = start(BeaconServer.builder(registry).tls(ec.certificate(), ec.key())
                .readTimeout(Duration.ofMinutes(2)));

        String answer;
        try (Socket socket = new Socket("127.0.0.1", server.address().getPort())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write("GET /services HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            answer = TestServer.readAll(socket.getInputStream());
        }

        // the JDK's TLS engine cannot read the request as a TLS record, and the HttpsServer closes the connection
        // at once, without a byte (a reset at most): no HTTP answer, no registry data, no waiting for a deadline
        assertThat(answer).isIn("", "<reset>");
        // and the server serves on
        assertThat(get(client(TlsFiles.trusting(ec.certificate())), servicesOf(server, "127.0.0.1")).statusCode())
                .isEqualTo(200);
    }

    @Test
    @Timeout(60)
    void tls_eventStream_deliversChangesAsTheyHappen() throws Exception {
        TlsFiles.Pem ec = files.ec();
        BeaconServer server = start(BeaconServer.builder(registry).tls(ec.certificate(), ec.key()));
        HttpResponse<java.util.stream.Stream<String>> response = client(TlsFiles.trusting(ec.certificate()))
                .send(HttpRequest.newBuilder(server.uri().resolve("/services/orders/events")).GET().build(),
                        HttpResponse.BodyHandlers.ofLines());
        try (java.util.stream.Stream<String> lines = response.body()) {
            java.util.Iterator<String> next = lines.iterator();
            assertThat(response.headers().firstValue("Content-Type")).hasValue("text/event-stream; charset=utf-8");
            while (!next.next().equals(": connected")) {
                assertThat(next.hasNext()).isTrue();
            }
            registry.register(ServiceInstance.builder("orders").id("orders-2").host("10.0.0.6").port(8080).build(),
                    Duration.ofMinutes(5));

            assertThat(next.next()).isEmpty();
            assertThat(next.next()).isEqualTo("event: REGISTERED");
            assertThat(next.next()).startsWith("data: {\"service\":\"orders\",\"id\":\"orders-2\"");
        }
    }
}
