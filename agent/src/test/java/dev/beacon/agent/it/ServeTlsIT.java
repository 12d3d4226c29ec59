package dev.beacon.agent.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beacon.ServiceInstance;
import dev.beacon.registry.FileServiceRegistry;
import dev.beacon.testing.JavaProcess;
import dev.beacon.testing.Jdks;
import dev.beacon.testing.TlsFiles;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * {@code beacon serve} over HTTPS from the real agent jar, read by a real TLS client (the JDK's HttpClient trusting the
 * test's certificate, made by {@code openssl}): PEM with {@code --protect-reads} on every JDK of {@link Jdks#all()},
 * PKCS#12 with its password from the environment and from a file; an untrusting client is refused in the handshake,
 * a plain-HTTP request gets nothing, a read without the token 401; bad files stop {@code serve} with one line.
 */
class ServeTlsIT {

    private static final String TOKEN = "it-token-7f3a";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path temp;

    private TlsFiles files;
    private Path registryDir;

    static Stream<Path> jdks() {
        return Jdks.all();
    }

    @BeforeEach
    void setUp() throws IOException {
        Path tls = Files.createDirectories(temp.resolve("tls"));
        files = TlsFiles.in(tls);
        registryDir = temp.resolve("registry");
    }

    private JavaProcess serve(Path java, Map<String, String> environment, String... options) throws IOException {
        return serve(java, environment, List.of(), options);
    }

    private JavaProcess serve(Path java, Map<String, String> environment, List<String> jvmOptions,
                              String... options) throws IOException {
        List<String> args = new ArrayList<>(jvmOptions);
        args.addAll(List.of("-jar", AgentIT.AGENT_JAR.toAbsolutePath().toString(), "serve",
                "--registry", "file:" + registryDir, "--port", "0", "--check-interval", "0"));
        args.addAll(List.of(options));
        return JavaProcess.start(java, args, null, environment);
    }

    private static HttpResponse<String> get(SSLContext trust, URI uri, String token) throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(trust).connectTimeout(Duration.ofSeconds(10)).build();
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void serve_pemWithProtectedReads_servesHttpsToTrustingClientsWithTheTokenOnly(Path java) throws Exception {
        TlsFiles.Pem pem = files.ec();
        SSLContext trusting = TlsFiles.trusting(pem.certificate());
        try (FileServiceRegistry registry = new FileServiceRegistry(registryDir);
             JavaProcess serve = serve(java, Map.of(), "--tls-cert", pem.certificate().toString(),
                     "--tls-key", pem.key().toString(), "--token", TOKEN, "--protect-reads")) {
            registry.register(ServiceInstance.builder("orders").id("orders-1").host("127.0.0.1").port(8080)
                    .ports(Map.of("metrics", 9100)).metadata("zone", "eu-1").build(), Duration.ofMinutes(5));
            URI base = URI.create(serve.awaitOut("serving .* at (https://\\S+)", Duration.ofSeconds(60)));
            assertThat(serve.stdout()).anySatisfy(line -> assertThat(line).contains(
                    "(TLS certificate CN=localhost, valid until 20", "; reads and writes need the token)"));

            HttpResponse<String> services = get(trusting, base.resolve("/services"), TOKEN);
            assertThat(services.statusCode()).isEqualTo(200);
            assertThat(services.body()).contains("orders-1");
            assertThat(services.sslSession().orElseThrow().getProtocol()).isIn("TLSv1.3", "TLSv1.2");

            HttpResponse<String> anonymous = get(trusting, base.resolve("/services"), null);
            assertThat(anonymous.statusCode()).isEqualTo(401);
            assertThat(anonymous.body()).contains("needs a token for reads").doesNotContain("orders-1");
            assertThat(get(trusting, base.resolve("/health"), null).statusCode()).isEqualTo(200);

            HttpResponse<String> targets = get(trusting, base.resolve("/prometheus/targets"), TOKEN);
            assertThat(targets.statusCode()).isEqualTo(200);
            assertThat(targets.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
            JsonNode group = JSON.readTree(targets.body()).get(0);
            assertThat(group.get("targets").get(0).asText()).isEqualTo("127.0.0.1:9100");
            assertThat(group.get("labels").get("__meta_beacon_zone").asText()).isEqualTo("eu-1");

            assertThrows(SSLHandshakeException.class,
                    () -> get(TlsFiles.trusting(files.ec().certificate()), base.resolve("/health"), null));
            assertThat(plainHttp(base)).doesNotContain("HTTP/").doesNotContain("orders-1")
                    .doesNotContain("<timeout>");
            JvmOutput.assertNoWarnings(serve);
        }
    }

    @Test
    void serve_pkcs12_withThePasswordFromTheEnvironment_orAFile() throws Exception {
        TlsFiles.Pem pem = files.rsa();
        Path keystore = files.pkcs12(pem, "p12-pass-word");
        Path passwordFile = Files.writeString(temp.resolve("keystore-password"), "p12-pass-word\n");
        SSLContext trusting = TlsFiles.trusting(pem.certificate());
        try (FileServiceRegistry registry = new FileServiceRegistry(registryDir)) {
            registry.register(ServiceInstance.builder("orders").id("orders-1").host("127.0.0.1").port(8080).build(),
                    Duration.ofMinutes(5));
        }
        for (Map<String, String> environment : List.of(Map.of("BEACON_KEYSTORE_PASSWORD", "p12-pass-word"),
                Map.<String, String>of())) {
            String[] options = environment.isEmpty()
                    ? new String[]{"--keystore", keystore.toString(), "--keystore-password-file",
                        passwordFile.toString()}
                    : new String[]{"--keystore", keystore.toString()};
            try (JavaProcess serve = serve(Jdks.current(), environment, options)) {
                URI base = URI.create(serve.awaitOut("serving .* at (https://\\S+)", Duration.ofSeconds(60)));
                HttpResponse<String> services = get(trusting, base.resolve("/services"), null);
                assertThat(services.statusCode()).isEqualTo(200);
                assertThat(services.body()).contains("orders-1");
                assertThat(String.join("\n", serve.stdout()) + String.join("\n", serve.stderr()))
                        .doesNotContain("p12-pass-word");
                JvmOutput.assertNoWarnings(serve);
            }
        }
    }

    @Test
    void serve_whereJavaSecurityAllowsTls11_stillSpeaksTls12AndNewerOnly() throws Exception {
        TlsFiles.Pem pem = files.ec();
        // an operator's java.security that takes TLS 1.0 and 1.1 off the JDK's disabled list
        Path security = Files.writeString(temp.resolve("java.security"), "jdk.tls.disabledAlgorithms=SSLv3, RC4, "
                + "DES, MD5withRSA, DH keySize < 1024, EC keySize < 224, 3DES_EDE_CBC, anon, NULL\n");
        try (JavaProcess serve = serve(Jdks.current(), Map.of(), List.of("-Djava.security.properties=" + security),
                "--tls-cert", pem.certificate().toString(), "--tls-key", pem.key().toString())) {
            int port = URI.create(serve.awaitOut("serving .* at (https://\\S+)", Duration.ofSeconds(60))).getPort();

            assertThat(files.handshake(port, "-tls1_1")).isEmpty();
            assertThat(files.handshake(port, "-tls1")).isEmpty();
            assertThat(files.handshake(port, "-tls1_2")).hasValue("TLSv1.2");
            assertThat(files.handshake(port, "-tls1_3")).hasValue("TLSv1.3");
        }
    }

    @Test
    void serve_badTlsInput_stopsWithOneLineNamingTheFile() throws Exception {
        TlsFiles.Pem pem = files.rsa();
        Path pkcs1 = files.pkcs1(pem);
        Path keystore = files.pkcs12(pem, "right-password");
        Path wrongPassword = Files.writeString(temp.resolve("wrong"), "wrong-password\n");
        record Case(List<String> options, String message) {
        }
        for (Case bad : List.of(
                new Case(List.of("--tls-cert", pem.certificate().toString(), "--tls-key", pkcs1.toString()),
                        "beacon serve: the TLS private key in " + pkcs1 + " is a PKCS#1 key (-----BEGIN RSA PRIVATE "
                                + "KEY-----); Beacon reads an unencrypted PKCS#8 key (-----BEGIN PRIVATE KEY-----): "
                                + "convert it with 'openssl pkcs8 -topk8 -nocrypt -in " + pkcs1
                                + " -out key-pkcs8.pem'"),
                new Case(List.of("--keystore", keystore.toString(), "--keystore-password-file",
                        wrongPassword.toString()),
                        "beacon serve: cannot open the PKCS#12 keystore " + keystore + ": the password is wrong"),
                new Case(List.of("--keystore", keystore.toString(), "--keystore-password", "right-password"),
                        "beacon serve: --keystore-password is not accepted: a password on the command line is "
                                + "visible to every user of this machine; put it in a file readable by you only "
                                + "(--keystore-password-file FILE) or in $BEACON_KEYSTORE_PASSWORD"),
                new Case(List.of("--protect-reads"),
                        "beacon serve: --protect-reads needs a token: set --token or BEACON_TOKEN"))) {
            try (JavaProcess serve = serve(Jdks.current(), Map.of(), bad.options().toArray(String[]::new))) {
                assertThat(serve.process().waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
                assertThat(serve.process().exitValue()).as(serve.describe()).isEqualTo(2);
                Thread.sleep(200); // the output pumps catch up with the exit
                assertThat(serve.stderr()).as(serve.describe()).containsExactly(bad.message());
                assertThat(serve.stdout()).isEmpty();
            }
        }
    }

    /** A plain-HTTP request to the HTTPS port: what comes back before the server closes (or 30 s pass). */
    private static String plainHttp(URI base) throws IOException {
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /services HTTP/1.1\r\nHost: " + base.getHost() + "\r\nAuthorization: Bearer " + TOKEN
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream read = new ByteArrayOutputStream();
            try {
                in.transferTo(read);
            } catch (java.net.SocketTimeoutException e) {
                return read.toString(StandardCharsets.ISO_8859_1) + "<timeout>";
            } catch (SocketException e) {
                return read.toString(StandardCharsets.ISO_8859_1) + "<reset>";
            }
            return read.toString(StandardCharsets.ISO_8859_1);
        }
    }
}
