package dev.beacon.registry;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beacon.MutableClock;
import dev.beacon.ServiceInstance;
import dev.beacon.testing.Stderr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class FileServiceRegistryTest extends ServiceRegistryContractTest {

    private static final Duration POLL_INTERVAL = Duration.ofMillis(20);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** 2100-01-01: a lease deadline that never passes during a test. */
    private static final long FAR_FUTURE = 4_102_444_800_000L;

    @TempDir
    Path tempDir;

    private final MutableClock clock = MutableClock.atSystemTime();
    private Path dir;

    @Override
    protected ServiceRegistry newRegistry() {
        dir = tempDir.resolve("registry");
        return new FileServiceRegistry(dir, clock, POLL_INTERVAL);
    }

    @Override
    protected ServiceRegistry openSecondHandle() {
        return new FileServiceRegistry(dir, clock, POLL_INTERVAL);
    }

    @Override
    protected void advance(Duration duration) {
        clock.advance(duration);
    }

    // ---- layout and permissions

    @Test
    void register_firstWrite_createsPrivateDirectoryAndFileNamedServiceAtId() throws IOException {
        registry.register(instance("orders", "orders-1"), TTL);

        Path file = dir.resolve("orders@orders-1.json");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(file); // no temporary file left behind
        }
    }

    @Test
    void register_renew_keepsFilePrivate() throws IOException {
        registry.register(instance("orders", "orders-1"), TTL);

        registry.renew("orders", "orders-1");

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("orders@orders-1.json"))))
                .isEqualTo("rw-------");
    }

    @Test
    void deregister_liveInstance_deletesItsFile() {
        registry.register(instance("orders", "orders-1"), TTL);

        assertThat(registry.deregister("orders", "orders-1")).isTrue();

        assertThat(dir.resolve("orders@orders-1.json")).doesNotExist();
        assertThat(dir).isEmptyDirectory(); // the entry leaves by a rename to a temporary name: that is deleted too
    }

    @Test
    void deregister_expiredInstance_deletesItsFileAndAnswersFalse() {
        registry.register(instance("orders", "orders-1"), TTL);
        advance(TTL.plusMillis(1));

        assertThat(registry.deregister("orders", "orders-1")).isFalse();

        assertThat(dir).isEmptyDirectory();
        assertThat(registry.deregister("orders", "orders-1")).isFalse();
    }

    @Test
    void constructor_missingDirectory_doesNoIo() {
        Path missing = tempDir.resolve("not-yet");

        try (FileServiceRegistry lazy = new FileServiceRegistry(missing, clock, POLL_INTERVAL)) {
            assertThat(lazy.directory()).isEqualTo(missing);
            assertThat(lazy.instances("orders")).isEmpty();
            assertThat(lazy.services()).isEmpty();
        }

        assertThat(missing).doesNotExist();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"rwxrwx---", "rwx---rwx", "rwxrwxrwx"})
    void register_existingDirectoryWritableByOthers_isRefusedWithFix(String permissions) throws IOException {
        Files.createDirectory(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(permissions));

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> registry.register(instance("orders", "orders-1"), TTL));

        assertThat(e.getMessage()).isEqualTo("registry directory " + dir + " is writable by other users ("
                + permissions + "); make it private with: chmod 700 " + dir);
        assertThat(dir.resolve("orders@orders-1.json")).doesNotExist();
    }

    @Test
    void instances_existingDirectoryWritableByOthers_isRefused() throws IOException {
        Files.createDirectory(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> registry.instances("orders"));

        assertThat(e.getMessage()).contains(dir.toString(), "chmod 700");
    }

    @Test
    void register_existingDirectoryReadableByOthers_isAccepted() throws IOException {
        Files.createDirectory(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        ServiceInstance orders = instance("orders", "orders-1");

        registry.register(orders, TTL);

        assertThat(registry.instances("orders")).containsExactly(orders);
    }

    @Test
    void register_existingDirectoryOwnedByAnotherUser_isRefusedNamingPathAndFix() throws IOException {
        assumeRoot();
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.setAttribute(dir, "unix:uid", 65534); // nobody

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> registry.register(instance("orders", "orders-1"), TTL));

        assertThat(e.getMessage()).isEqualTo("registry directory " + dir + " belongs to uid 65534, not to this user "
                + "(uid 0); use a directory of your own: file:/some/dir");
        assertThat(dir.resolve("orders@orders-1.json")).doesNotExist();
        assertThrows(IllegalStateException.class, () -> registry.instances("orders"));
    }

    @Test
    void register_directoryIsSymbolicLinkOfAnotherUser_isRefused() throws IOException {
        assumeRoot();
        Path target = Files.createDirectory(tempDir.resolve("target"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.createSymbolicLink(dir, target);
        Files.setAttribute(dir, "unix:uid", 65534, LinkOption.NOFOLLOW_LINKS);

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> registry.register(instance("orders", "orders-1"), TTL));

        assertThat(e.getMessage()).isEqualTo("registry directory " + dir + " is a symbolic link that belongs to uid "
                + "65534, not to this user (uid 0); remove it or use a directory of your own: file:/some/dir");
        try (Stream<Path> files = Files.list(target)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void register_directoryIsSymbolicLinkOfThisUser_isAccepted() throws IOException {
        Path target = Files.createDirectory(tempDir.resolve("target"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.createSymbolicLink(dir, target);
        ServiceInstance orders = instance("orders", "orders-1");

        registry.register(orders, TTL);

        assertThat(registry.instances("orders")).containsExactly(orders);
        assertThat(target.resolve("orders@orders-1.json")).exists();
    }

    /** Only root can give a directory away; CI runs as root and sets -Dbeacon.root.required=true. */
    private static void assumeRoot() throws IOException {
        dev.beacon.testing.Prerequisite.requireRoot("giving a directory to another user (chown)");
    }

    @Test
    void reads_corruptEntryReadManyTimes_warnOnceAndWarnAgainOnlyWhenItChanges() throws Exception {
        registry.register(instance("orders", "good"), TTL);
        writeFile("orders@bad.json", "{\"v\":1,");

        List<String> firstRounds = Stderr.linesDuring(() -> {
            for (int i = 0; i < 20; i++) {
                assertThat(registry.instances("orders")).extracting(ServiceInstance::id).containsExactly("good");
                assertThat(registry.services()).containsExactly("orders");
            }
        });
        writeFile("orders@bad.json", "[]");
        Files.setLastModifiedTime(dir.resolve("orders@bad.json"), FileTime.fromMillis(clock.millis() + 1_000));
        List<String> afterChange = Stderr.linesDuring(() -> registry.instances("orders"));

        assertThat(firstRounds).filteredOn(line -> line.contains("orders@bad.json")).hasSize(1)
                .allMatch(line -> line.contains("WARN") && line.contains("skipping registry entry " + dir)
                        && line.contains("malformed JSON"));
        assertThat(afterChange).filteredOn(line -> line.contains("orders@bad.json")).hasSize(1)
                .allMatch(line -> line.contains("not a JSON object"));
    }

    // ---- entries written by others

    /** A valid stored entry, as a writer of version 1 lays it out. */
    private static ObjectNode entry(String service, String id) {
        ObjectNode node = JSON.createObjectNode();
        node.put("v", 1);
        node.put("service", service);
        node.put("id", id);
        node.put("host", "10.0.0.9");
        node.put("port", 9000);
        node.put("status", "UP");
        node.putObject("metadata").put("version", "1.0");
        node.putObject("ports").put("admin", 9090);
        node.put("ttlMillis", 30_000);
        node.put("expiresAt", FAR_FUTURE);
        return node;
    }

    private static Function<ObjectNode, String> changed(java.util.function.Consumer<ObjectNode> change) {
        return node -> {
            change.accept(node);
            return node.toString();
        };
    }

    private void writeFile(String name, String content) throws IOException {
        Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
    }

    @Test
    void instances_entryWrittenByAnotherWriter_isServed() throws IOException {
        registry.register(instance("orders", "good"), TTL);

        writeFile("orders@hand.json", entry("orders", "hand").toString());

        assertThat(registry.instances("orders")).extracting(ServiceInstance::id).containsExactly("good", "hand");
        assertThat(registry.instances("orders").get(1).ports()).containsEntry("admin", 9090);
    }

    static Stream<Arguments> invalidEntries() {
        return Stream.of(
                arguments("half-written", "orders@bad.json",
                        (Function<ObjectNode, String>) node -> node.toString().substring(0, 40)),
                arguments("empty", "orders@bad.json", (Function<ObjectNode, String>) node -> ""),
                arguments("not an object", "orders@bad.json", (Function<ObjectNode, String>) node -> "[1, 2]"),
                arguments("not JSON", "orders@bad.json", (Function<ObjectNode, String>) node -> "orders=10.0.0.9"),
                arguments("port as string", "orders@bad.json", changed(node -> node.put("port", "9000"))),
                arguments("port out of range", "orders@bad.json", changed(node -> node.put("port", 70_000))),
                arguments("status as number", "orders@bad.json", changed(node -> node.put("status", 1))),
                arguments("unknown status", "orders@bad.json", changed(node -> node.put("status", "SLEEPING"))),
                arguments("metadata as array", "orders@bad.json",
                        changed(node -> node.putArray("metadata").add("x"))),
                arguments("metadata value as number", "orders@bad.json",
                        changed(node -> node.putObject("metadata").put("weight", 5))),
                arguments("ports as string", "orders@bad.json", changed(node -> node.put("ports", "admin=9090"))),
                arguments("missing host", "orders@bad.json", changed(node -> node.remove("host"))),
                arguments("missing deadline", "orders@bad.json", changed(node -> node.remove("expiresAt"))),
                arguments("deadline as string", "orders@bad.json", changed(node -> node.put("expiresAt", "never"))),
                arguments("missing ttl", "orders@bad.json", changed(node -> node.remove("ttlMillis"))),
                arguments("unknown version", "orders@bad.json", changed(node -> node.put("v", 2))),
                arguments("missing version", "orders@bad.json", changed(node -> node.remove("v"))),
                arguments("invalid id inside", "orders@bad.json", changed(node -> node.put("id", "bad id"))),
                arguments("named for another id", "orders@other.json", changed(node -> { })),
                arguments("named for another service", "orders@bad.json",
                        changed(node -> node.put("service", "payments"))),
                arguments("hidden temporary file", ".orders@bad.json.5f3a.tmp", changed(node -> { })),
                arguments("oversized", "orders@bad.json",
                        (Function<ObjectNode, String>) node -> node + " ".repeat(300 * 1024)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidEntries")
    void reads_invalidEntry_skipItAndServeOthers(String problem, String fileName,
                                                 Function<ObjectNode, String> content) throws IOException {
        ServiceInstance good = instance("orders", "good");
        registry.register(good, TTL);

        writeFile(fileName, content.apply(entry("orders", "bad")));

        assertThat(registry.instances("orders")).containsExactly(good);
        assertThat(registry.services()).containsExactly("orders");
        assertThat(registry.snapshot()).containsOnlyKeys("orders");
        assertThat(registry.renew("orders", "bad")).isFalse();
    }

    /** Regression: the warning quoted stored text whole, so an entry could forge log lines or write megabytes. */
    @Test
    void reads_entryWithNewlinesAndHugeValue_warnsOneShortLine() throws Exception {
        registry.register(instance("orders", "good"), TTL);
        writeFile("orders@bad.json", entry("orders", "bad")
                .put("status", "UP'\n[main] INFO forged line\r\n" + "x".repeat(100_000)).toString());

        List<String> logged = Stderr.linesDuring(() -> registry.instances("orders"));

        assertThat(logged).hasSize(1);
        assertThat(logged.get(0)).contains("status must be one of", "\\u000a[main] INFO forged line\\u000d\\u000a",
                "(100", " chars)").hasSizeLessThan(600);
    }

    @Test
    void services_fileNamedForOtherServiceThanItHolds_isNotListed() throws IOException {
        registry.register(instance("orders", "good"), TTL);

        writeFile("payments@good.json", entry("orders", "good").toString());

        assertThat(registry.services()).containsExactly("orders");
        assertThat(registry.instances("payments")).isEmpty();
    }

    @Test
    void instances_directoryNamedLikeEntry_isSkipped() throws IOException {
        ServiceInstance good = instance("orders", "good");
        registry.register(good, TTL);

        Files.createDirectory(dir.resolve("orders@dir.json"));

        assertThat(registry.instances("orders")).containsExactly(good);
        assertThat(registry.services()).containsExactly("orders");
    }

    // ---- reaping

    @Test
    void reads_entryExpiredWithinGrace_isHiddenButKept() {
        registry.register(instance("orders", "orders-1"), TTL);

        clock.advance(TTL.plusMillis(FileServiceRegistry.REAP_GRACE_MILLIS));

        assertThat(registry.instances("orders")).isEmpty();
        assertThat(dir.resolve("orders@orders-1.json")).exists();
    }

    @Test
    void instances_entryExpiredLongAgo_deletesItsFile() {
        registry.register(instance("orders", "orders-1"), TTL);
        registry.register(instance("orders", "orders-2"), Duration.ofHours(1));

        clock.advance(TTL.plusMillis(FileServiceRegistry.REAP_GRACE_MILLIS + 1));

        assertThat(registry.instances("orders")).extracting(ServiceInstance::id).containsExactly("orders-2");
        assertThat(dir.resolve("orders@orders-1.json")).doesNotExist();
        assertThat(dir.resolve("orders@orders-2.json")).exists();
    }

    @Test
    void services_entryExpiredLongAgo_deletesItsFile() {
        registry.register(instance("orders", "orders-1"), TTL);

        clock.advance(TTL.plusMillis(FileServiceRegistry.REAP_GRACE_MILLIS + 1));

        assertThat(registry.services()).isEmpty();
        assertThat(dir.resolve("orders@orders-1.json")).doesNotExist();
    }

    @Test
    void services_temporaryFileOfDeadWriter_isDeletedWhenStale() throws IOException {
        registry.register(instance("orders", "orders-1"), TTL);
        Path stale = dir.resolve(".orders@orders-2.json.0a1b.tmp");
        Path fresh = dir.resolve(".orders@orders-3.json.2c3d.tmp");
        Files.writeString(stale, "{\"v\":1,");
        Files.writeString(fresh, "{\"v\":1,");
        Files.setLastModifiedTime(stale, FileTime.fromMillis(clock.millis() - Duration.ofMinutes(2).toMillis()));
        Files.setLastModifiedTime(fresh, FileTime.fromMillis(clock.millis()));

        assertThat(registry.services()).containsExactly("orders");

        assertThat(stale).doesNotExist();
        assertThat(fresh).exists();
    }

    @Test
    void register_afterClose_throwsIllegalStateNamingDirectory() {
        registry.close();

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> registry.register(instance("orders", "orders-1"), TTL));

        assertThat(e.getMessage()).isEqualTo("registry file:" + dir + " is closed");
    }

    @Test
    void close_oneHandle_leavesRegistrationsForOthers() {
        ServiceInstance orders = instance("orders", "orders-1");
        ServiceRegistry second = secondHandle();
        registry.register(orders, TTL);

        registry.close();

        assertThat(second.instances("orders")).containsExactly(orders);
    }

    @Test
    void toString_namesDirectoryAsUri() {
        assertThat(registry).hasToString("file:" + dir);
    }
}
