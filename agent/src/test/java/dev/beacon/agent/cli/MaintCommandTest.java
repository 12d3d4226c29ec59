package dev.beacon.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code beacon maint} and how {@code list}, {@code get} and {@code pick} show an instance in maintenance. */
class MaintCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {
    }

    private Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] all = java.util.stream.Stream.concat(java.util.Arrays.stream(args),
                java.util.stream.Stream.of("--registry", "file:" + dir.resolve("registry"))).toArray(String[]::new);
        int code = BeaconCommand.execute(all, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    private void registerTwo() {
        assertThat(run("register", "orders", "--host", "10.0.0.9", "--port", "8080", "--id", "a").code()).isZero();
        assertThat(run("register", "orders", "--host", "10.0.0.9", "--port", "8081", "--id", "b").code()).isZero();
    }

    @Test
    void maint_thenListGetPick_showItInMaintenanceAndNeverPickIt_untilOff() throws Exception {
        registerTwo();

        Run maint = run("maint", "orders", "a", "--reason", "kernel upgrade", "--for", "30m", "--by", "alice");

        assertThat(maint.code()).as(maint.err()).isZero();
        assertThat(maint.out()).startsWith("in maintenance: orders a 'kernel upgrade' by alice since ")
                .contains(", until ", "clients do not choose it until 'beacon maint --off orders a' or its deadline");
        JsonNode a = JSON.readTree(run("get", "orders", "--json").out()).get(0);
        assertThat(a.get("status").asText()).isEqualTo("MAINTENANCE");
        assertThat(a.get("maintenance").get("reason").asText()).isEqualTo("kernel upgrade");
        assertThat(a.get("maintenance").get("by").asText()).isEqualTo("alice");
        Instant since = Instant.parse(a.get("maintenance").get("since").asText());
        assertThat(Instant.parse(a.get("maintenance").get("until").asText()))
                .isEqualTo(since.plus(Duration.ofMinutes(30)));
        JsonNode list = JSON.readTree(run("list", "--json").out());
        assertThat(list.get("orders").get(0).fieldNames()).toIterable().as("list --json: fields added at the end")
                .containsExactly("id", "host", "port", "status", "metadata", "ports", "maintenance");
        assertThat(list.get("orders").get(1).fieldNames()).toIterable()
                .containsExactly("id", "host", "port", "status", "metadata", "ports");
        Run table = run("list");
        assertThat(table.out()).containsPattern("orders +a +10\\.0\\.0\\.9:8080 +MAINTENANCE")
                .containsPattern("orders +b +10\\.0\\.0\\.9:8081 +UP")
                .contains("in maintenance (beacon maint --off SERVICE ID puts one back):",
                        "  orders a: 'kernel upgrade' by alice since ");
        for (String strategy : List.of("random", "round-robin", "consistent-hash")) {
            for (int i = 0; i < 5; i++) {
                Run pick = run("pick", "orders", "--json", "--strategy", strategy, "--key", "user-" + i);
                assertThat(JSON.readTree(pick.out()).get("id").asText()).as(strategy).isEqualTo("b");
            }
        }

        Run off = run("maint", "--off", "orders", "a");

        assertThat(off.code()).as(off.err()).isZero();
        assertThat(off.out().strip()).isEqualTo("lifted the maintenance of orders a");
        assertThat(JSON.readTree(run("get", "orders", "--json").out()).get(0).get("status").asText())
                .isEqualTo("UP");
        assertThat(run("list").out()).doesNotContain("in maintenance");
        Run again = run("maint", "--off", "orders", "a");
        assertThat(again.code()).isEqualTo(1);
        assertThat(again.out().strip()).isEqualTo("orders a is not in maintenance");
    }

    @Test
    void maint_json_printsTheMaintenance_andByDefaultsToTheUserName() throws Exception {
        registerTwo();

        Run maint = run("maint", "orders", "b", "--json");
        Run off = run("maint", "orders", "b", "--off", "--json");

        assertThat(maint.code()).as(maint.err()).isZero();
        JsonNode json = JSON.readTree(maint.out());
        assertThat(json.get("service").asText()).isEqualTo("orders");
        assertThat(json.get("id").asText()).isEqualTo("b");
        assertThat(json.get("maintenance").get("by").asText()).isEqualTo(System.getProperty("user.name"));
        assertThat(json.get("maintenance").get("reason").asText()).isEmpty();
        assertThat(json.get("maintenance").has("until")).isFalse();
        assertThat(JSON.readTree(off.out()).get("lifted").asBoolean()).isTrue();
    }

    @Test
    void maint_badInput_oneClearLineAndNothingChanges() {
        registerTwo();
        String[][] usage = {
            {"maint", "orders", "a", "--for", "soon"},
            {"maint", "orders", "a", "--for", "0s"},
            {"maint", "orders", "a", "--for", "400d"},
            {"maint", "orders", "a", "--reason", "two\nlines"},
            {"maint", "orders", "a", "--by", ""},
            {"maint", "Orders", "a"},
            {"maint", "orders", "a/b"},
            {"maint", "orders"},
            {"maint", "--off", "orders", "a", "--reason", "x"},
        };
        String[] expected = {"--for 'soon' is not a duration; write it like 500ms, 3s, 2m, 1h or 1d",
            "maintenance duration must be between 1s and 365d, but was '0s'",
            "maintenance duration must be between 1s and 365d, but was '400d'",
            "maintenance reason must be one line without control characters, but was 'two\\x0alines'",
            "maintenance 'by' (who put it in maintenance) must have 1 to 128 characters, but had 0",
            "service name must match", "instance id must match", "Missing required parameter: 'ID'",
            "--off lifts the maintenance and takes no --reason, --for or --by"};
        for (int i = 0; i < usage.length; i++) {
            Run run = run(usage[i]);
            assertThat(run.code()).as(String.join(" ", usage[i])).isEqualTo(2);
            assertThat(run.err().strip().lines().count()).as(run.err()).isEqualTo(1);
            assertThat(run.err()).as(String.join(" ", usage[i])).contains(expected[i]).doesNotContain("\tat ");
        }

        Run unknown = run("maint", "orders", "zz", "--reason", "x");

        assertThat(unknown.code()).isEqualTo(1);
        assertThat(unknown.err().strip()).isEqualTo("beacon maint: no live instance 'zz' of 'orders' "
                + "(beacon get orders lists them)");
        assertThat(run("list").out()).doesNotContain("MAINTENANCE");
    }
}
