package dev.beacon.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beacon.ServiceInstance;
import dev.beacon.testing.Stderr;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Property tests of the file registry against bad input: whatever bytes an entry file holds, readers skip it and
 * still serve the good entries; whatever the service name, id or metadata, nothing is written outside the registry's
 * own file for that instance. Tries per property: {@code beacon.fuzz.tries} (200 by default).
 */
class FileServiceRegistryPropertyTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TTL = Duration.ofMinutes(5);
    private static final AtomicInteger TRIES = new AtomicInteger();
    private static Path root;

    @BeforeContainer
    static void createRoot() throws IOException {
        root = Files.createTempDirectory("beacon-file-props");
    }

    @AfterContainer
    static void deleteRoot() throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    /** A fresh registry directory for one try, with a victim file beside it that must never be touched. */
    private static Path freshDirectory() throws IOException {
        Path parent = Files.createDirectory(root.resolve("try-" + TRIES.incrementAndGet()));
        Files.writeString(parent.resolve("victim@v.json"), "victim");
        return parent.resolve("registry");
    }

    private static ServiceInstance good() {
        return ServiceInstance.builder("orders").id("good").host("10.0.0.5").port(8080).metadata("zone", "eu-1")
                .build();
    }

    private static List<String> siblingsOf(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir.getParent())) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    // ---- corrupt entries

    @Property
    void reads_anyBytesInAnEntryFile_skipItAndServeTheOthers(@ForAll byte[] bytes) throws IOException {
        assertBadEntrySkipped(bytes);
    }

    @Property
    void reads_halfWrittenEntry_isSkipped(@ForAll("validEntries") String entry,
                                          @ForAll("fractions") double fraction) throws IOException {
        int cut = (int) (entry.length() * fraction); // strictly shorter than the whole: a prefix of a JSON object
        assertBadEntrySkipped(entry.substring(0, cut).getBytes(StandardCharsets.UTF_8));
    }

    /** One field replaced by a value of any JSON type: either still a valid entry of "orders/bad", or skipped. */
    @Property
    void reads_entryWithAFieldOfAnyType_isServedOnlyIfValid(@ForAll("fields") String field,
                                                            @ForAll("jsonValues") JsonNode value) throws IOException {
        ObjectNode entry = (ObjectNode) JSON.readTree(validEntry("bad"));
        entry.set(field, value);
        Path dir = freshDirectory();
        try (FileServiceRegistry registry = new FileServiceRegistry(dir)) {
            registry.register(good(), TTL);
            Files.write(dir.resolve("orders@bad.json"), JSON.writeValueAsBytes(entry));

            List<List<ServiceInstance>> read = new ArrayList<>();
            List<String> logged = Stderr.linesDuring(() -> {
                read.add(registry.instances("orders"));
                assertThat(registry.services()).containsExactly("orders");
                assertThat(registry.leases("orders")).hasSameSizeAs(read.get(0));
            });

            List<ServiceInstance> instances = read.get(0);
            assertThat(instances).contains(good());
            assertThat(instances).extracting(ServiceInstance::id).isSubsetOf("good", "bad");
            // served: no warning; a deadline in the past: hidden as expired, no warning; else one short warning line
            boolean expired = field.equals("expiresAt") && value.isIntegralNumber() && value.canConvertToLong();
            boolean served = instances.size() == 2;
            assertThat(logged).hasSize(served || expired ? 0 : 1).allMatch(line -> line.length() < 800);
            Statistics.collect(served ? "still valid" : expired ? "expired" : "skipped");
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static void assertBadEntrySkipped(byte[] bytes) throws IOException {
        Path dir = freshDirectory();
        try (FileServiceRegistry registry = new FileServiceRegistry(dir)) {
            registry.register(good(), TTL);
            Files.write(dir.resolve("orders@bad.json"), bytes);
            Files.write(dir.resolve("payments@bad.json"), bytes);

            List<String> logged = Stderr.linesDuring(() -> {
                for (int round = 0; round < 3; round++) {
                    assertThat(registry.instances("orders")).containsExactly(good());
                    assertThat(registry.instances("payments")).isEmpty();
                    assertThat(registry.services()).containsExactly("orders");
                    assertThat(registry.renew("orders", "bad")).isFalse();
                    assertThat(registry.renew("orders", "good")).isTrue();
                }
            });

            // one short warning line per bad file, however often it is read
            assertThat(logged).hasSize(2).allMatch(line -> line.contains("WARN") && line.length() < 800);
            assertThat(logged).filteredOn(line -> line.contains("orders@bad.json")).hasSize(1);
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    // ---- names, ids and metadata cannot break out of their file

    @Property
    void register_anyServiceAndId_writesOnlyItsOwnFileOrRefuses(@ForAll("names") String service,
                                                                @ForAll("names") String id) throws IOException {
        Path dir = freshDirectory();
        try (FileServiceRegistry registry = new FileServiceRegistry(dir)) {
            ServiceInstance instance;
            try {
                instance = ServiceInstance.builder(service).id(id).host("10.0.0.5").port(8080).build();
            } catch (IllegalArgumentException refused) {
                // the same names are refused by every operation, before any file is touched
                if (!isValidServiceName(service)) {
                    assertRefused(() -> registry.instances(service), service);
                    assertRefused(() -> registry.watch(service, event -> { }), service);
                }
                assertRefused(() -> registry.renew(service, id), service + " " + id);
                assertRefused(() -> registry.deregister(service, id), service + " " + id);
                assertThat(siblingsOf(dir)).containsExactly("victim@v.json");
                Statistics.collect("refused");
                return;
            }
            registry.register(instance, TTL);

            try (Stream<Path> files = Files.list(dir)) {
                assertThat(files).containsExactly(dir.resolve(service + "@" + id + ".json"));
            }
            assertThat(siblingsOf(dir)).containsExactly("registry", "victim@v.json");
            assertThat(registry.instances(service)).containsExactly(instance);
            assertThat(registry.deregister(service, id)).isTrue();
            Statistics.collect("accepted");
        }
    }

    @Property
    void register_anyMetadataValues_roundTripInOneFile(@ForAll("metadata") Map<String, String> metadata)
            throws IOException {
        Path dir = freshDirectory();
        try (FileServiceRegistry registry = new FileServiceRegistry(dir);
             FileServiceRegistry other = new FileServiceRegistry(dir)) {
            ServiceInstance instance = ServiceInstance.builder("orders").id("m").host("10.0.0.5").port(8080)
                    .metadata(metadata).build();

            registry.register(instance, TTL);

            assertThat(other.instances("orders")).containsExactly(instance);
            assertThat(other.instances("orders").get(0).metadata()).isEqualTo(metadata);
            try (Stream<Path> files = Files.list(dir)) {
                assertThat(files).containsExactly(dir.resolve("orders@m.json"));
            }
        }
    }

    private static boolean isValidServiceName(String service) {
        try {
            ServiceInstance.checkServiceName(service);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static void assertRefused(Runnable operation, String input) {
        try {
            operation.run();
        } catch (IllegalArgumentException expected) {
            assertThat(expected.getMessage()).as("message for %s", input).contains("must match");
            return;
        }
        throw new AssertionError("accepted an invalid name or id: " + input);
    }

    // ---- generators

    private static String validEntry(String id) {
        ObjectNode node = JSON.createObjectNode();
        node.put("v", 1);
        node.put("service", "orders");
        node.put("id", id);
        node.put("host", "10.0.0.9");
        node.put("port", 9000);
        node.put("status", "UP");
        node.putObject("metadata").put("version", "1.0");
        node.putObject("ports").put("admin", 9090);
        node.put("ttlMillis", 30_000);
        node.put("expiresAt", System.currentTimeMillis() + 600_000);
        return node.toString();
    }

    @Provide
    Arbitrary<String> validEntries() {
        return Arbitraries.just(validEntry("bad"));
    }

    @Provide
    Arbitrary<Double> fractions() {
        return Arbitraries.doubles().between(0, 1).filter(f -> f < 1);
    }

    @Provide
    Arbitrary<String> fields() {
        return Arbitraries.of("v", "service", "id", "host", "port", "status", "metadata", "ports", "ttlMillis",
                "expiresAt", "extra");
    }

    @Provide
    Arbitrary<JsonNode> jsonValues() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        Arbitrary<JsonNode> scalars = Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(40).map(f::textNode),
                Arbitraries.of("UP", "DOWN", "orders", "bad", "good", "../x", "a".repeat(300_000)).map(f::textNode),
                Arbitraries.integers().map(f::numberNode),
                Arbitraries.longs().map(f::numberNode),
                Arbitraries.doubles().map(f::numberNode),
                Arbitraries.bigIntegers().between(BigInteger.TEN.pow(30).negate(),
                        BigInteger.TEN.pow(30)).map(f::numberNode),
                Arbitraries.of(0, 1, 2, -1, 65535, 65536).map(f::numberNode),
                Arbitraries.of(f.nullNode(), f.booleanNode(true), f.arrayNode(), f.objectNode()));
        Arbitrary<JsonNode> objects = Combinators.combine(Arbitraries.strings().ofMaxLength(10), scalars)
                .as((key, value) -> (JsonNode) f.objectNode().set(key, value));
        return Arbitraries.oneOf(scalars, objects);
    }

    @Provide
    Arbitrary<String> names() {
        return Arbitraries.oneOf(
                Arbitraries.strings().withChars("az09._-").ofMaxLength(60).map(tail -> "a" + tail),
                Arbitraries.strings().withChars("az09._-").ofMaxLength(60).map(tail -> "0" + tail),
                Arbitraries.strings().withChars("aZ09._-").ofMinLength(1).ofMaxLength(130),
                Arbitraries.strings().withChars("aZ09._-/\\*{}:@?[]\n\r\t\u0000 ").ofMinLength(0).ofMaxLength(20),
                Arbitraries.of("..", "../victim", "../victim@v", "a/../../victim", "*", "a*", "{orders}", "a:b",
                        "a\nb", "orders\n", "a".repeat(200), "/etc/passwd", "CON", "a@b", ".hidden", "-x"),
                Arbitraries.strings());
    }

    @Provide
    Arbitrary<Map<String, String>> metadata() {
        Arbitrary<String> keys = Arbitraries.strings().withChars("aZ09._-").ofMinLength(1).ofMaxLength(64)
                .filter(k -> Character.isLetterOrDigit(k.charAt(0)));
        Arbitrary<String> values = Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(1024),
                Arbitraries.of("", "\"}", "\n", "../x", "{\"v\":2}", "\u0000", "x".repeat(1024)));
        return Arbitraries.maps(keys, values).ofMaxSize(64);
    }
}
