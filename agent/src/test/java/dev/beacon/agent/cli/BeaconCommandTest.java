package dev.beacon.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class BeaconCommandTest {

    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {
    }

    private Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(List.of(args));
        int code = BeaconCommand.execute(all.toArray(String[]::new), new PrintWriter(out, true),
                new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    private String registry() {
        return "file:" + dir.resolve("registry");
    }

    @Test
    void noArguments_printsVersionAndUsage() {
        Run run = run();
        assertThat(run.code()).isZero();
        assertThat(run.out()).startsWith("Beacon ").contains("list", "get", "watch", "register", "deregister");
    }

    @Test
    void registerGetListDeregister_roundTripWithExitCodes() throws Exception {
        assertThat(run("register", "orders", "--host", "10.0.0.9", "--port", "8080", "--meta", "version=1.4",
                "--registry", registry()).code()).isZero();
        Run get = run("get", "orders", "--registry", registry(), "--json");
        assertThat(get.code()).isZero();
        JsonNode instances = new ObjectMapper().readTree(get.out());
        assertThat(instances).hasSize(1);
        assertThat(instances.get(0).path("port").asInt()).isEqualTo(8080);
        assertThat(instances.get(0).path("metadata").path("version").asText()).isEqualTo("1.4");

        Run list = run("list", "--registry", registry());
        assertThat(list.out()).contains("SERVICE", "orders", "10.0.0.9:8080", "UP", "version=1.4");

        assertThat(run("deregister", "orders", "10.0.0.9-8080", "--registry", registry()).code()).isZero();
        assertThat(run("deregister", "orders", "10.0.0.9-8080", "--registry", registry()).code()).isEqualTo(1);
        Run missing = run("get", "orders", "--registry", registry());
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).contains("no live instance of 'orders'");
    }

    @Test
    void usageErrors_exitTwoWithOneLine() {
        for (String[] bad : new String[][]{{"frob"}, {"get"}, {"get", "Bad!"}, {"register", "orders", "--host", "h"},
            {"register", "orders", "--host", "h", "--port", "99999", "--registry", "memory:"},
            {"list", "--registry", "etcd://x"}, {"watch", "orders", "--for", "soon", "--registry", "memory:"}}) {
            Run run = run(bad);
            assertThat(run.code()).as(String.join(" ", bad)).isEqualTo(2);
            assertThat(run.err().strip().lines().count()).as(run.err()).isEqualTo(1);
            assertThat(run.err()).doesNotContain("\tat ");
        }
    }

    @Test
    void unreachableRegistry_exitThree_passwordMasked() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        Run run = run("list", "--registry", "redis://u:hunter2@127.0.0.1:" + port + "?connect-timeout=200ms");
        assertThat(run.code()).isEqualTo(3);
        assertThat(run.err()).contains("127.0.0.1:" + port).doesNotContain("hunter2");
    }

    @Test
    void watch_printsPresentInstancesThenStopsAfterFor() {
        run("register", "orders", "--host", "10.0.0.9", "--port", "8080", "--registry", registry());
        Run run = run("watch", "orders", "--for", "300ms", "--json", "--registry", registry());
        assertThat(run.code()).isZero();
        assertThat(run.out()).contains("\"type\":\"PRESENT\"", "\"port\":8080");
    }

    @Test
    void pick_strategies_andNothingFound() throws Exception {
        for (int port = 8080; port < 8083; port++) {
            run("register", "orders", "--host", "10.0.0.9", "--port", Integer.toString(port), "--registry", registry());
        }
        Run picked = run("pick", "orders", "--json", "--strategy", "consistent-hash", "--key", "user-42",
                "--registry", registry());
        assertThat(picked.code()).as(picked.err()).isZero();
        int port = new ObjectMapper().readTree(picked.out()).path("port").asInt();
        for (int i = 0; i < 3; i++) {
            Run again = run("pick", "orders", "--json", "--strategy", "consistent-hash", "--key", "user-42",
                    "--registry", registry());
            assertThat(new ObjectMapper().readTree(again.out()).path("port").asInt()).isEqualTo(port);
        }
        assertThat(run("pick", "orders", "--strategy", "least-in-flight", "--registry", registry()).code()).isZero();
        Run bad = run("pick", "orders", "--strategy", "fastest", "--registry", registry());
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("'fastest'", "round-robin");
        assertThat(run("pick", "payments", "--registry", registry()).code()).isEqualTo(1);
    }

}
