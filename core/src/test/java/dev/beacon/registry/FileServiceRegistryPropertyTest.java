package dev.beacon.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beacon.ServiceInstance;
import dev.beacon.testing.Stderr;
import dev.beacon.testing.Fuzz;
import dev.beacon.testing.Fuzz.Gen;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

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

import static dev.beacon.testing.Fuzz.anyOf;
import static dev.beacon.testing.Fuzz.forAll;
import static dev.beacon.testing.Fuzz.oneOf;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Property tests of the file registry against bad input: whatever bytes an entry file holds, readers skip it and
 * still serve the good entries; whatever the service name, id or metadata, nothing is written outside the registry's
 * own file for that instance. Tries per property: {@code beacon.fuzz.tries} (200 by default); a failure names its
 * seed ({@link Fuzz}).
 */
class FileServiceRegistryPropertyTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TTL = Duration.ofMinutes(5);
    private static final AtomicInteger TRIES = new AtomicInteger();
    private static Path root;

    @BeforeAll
    static void createRoot() throws IOException {
        root = Files.createTempDirectory("beacon-file-props");
    }

    @AfterAll
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

    @Test
    void reads_anyBytesInAnEntryFile_skipItAndServeTheOthers() {
        List<byte[]> examples = Stream.of("", "{}", "null", "[]", "\"orders\"", "{\"v\":1}", "\ufeff{", "\u0000")
                .map(text -> text.getBytes(StandardCharsets.UTF_8)).toList();
        forAll(examples, Fuzz.bytes(255), FileServiceRegistryPropertyTest::assertBadEntrySkipped);
    }

    @Test
    void reads_halfWrittenEntry_isSkipped() {
        String entry = validEntry("bad");
        // strictly shorter than the whole: a prefix of a JSON object
        forAll(List.of(0, 1, entry.length() - 1), Fuzz.ints(0, entry.length() - 1),
                cut -> assertBadEntrySkipped(entry.substring(0, cut).getBytes(StandardCharsets.UTF_8)));
    }

    /** A field of the entry and the JSON value put in its place. */
    private record FieldValue(String field, JsonNode value) {
    }

    /** One field replaced by a value of any JSON type: either still a valid entry of "orders/bad", or skipped. */
    @Test
    void reads_entryWithAFieldOfAnyType_isServedOnlyIfValid() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        List<FieldValue> examples = List.of(new FieldValue("v", f.numberNode(2)),
                new FieldValue("port", f.numberNode(65536)), new FieldValue("port", f.numberNode(0)),
                new FieldValue("expiresAt", f.numberNode(0)), new FieldValue("expiresAt", f.numberNode(Long.MAX_VALUE)),
                new FieldValue("ttlMillis", f.numberNode(BigInteger.TEN.pow(30))),
                new FieldValue("service", f.textNode("a".repeat(300_000))), new FieldValue("metadata", f.nullNode()),
                new FieldValue("extra", f.objectNode()));
        Gen<String> fields = fields();
        Gen<JsonNode> values = jsonValues();
        forAll(examples, random -> new FieldValue(fields.next(random), values.next(random)),
                FileServiceRegistryPropertyTest::assertServedOnlyIfValid);
    }

    private static void assertServedOnlyIfValid(FieldValue fieldValue) throws IOException {
        String field = fieldValue.field();
        JsonNode value = fieldValue.value();
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

    /** A service name and an instance id, both from {@link #names()}. */
    private record Names(String service, String id) {
    }

    @Test
    void register_anyServiceAndId_writesOnlyItsOwnFileOrRefuses() {
        List<Names> examples = List.of(new Names("", ""), new Names("..", "x"), new Names("orders", ".."),
                new Names("orders", "../victim"), new Names("..", "victim@v"), new Names("a/../../victim", "x"),
                new Names("orders", "a".repeat(200)), new Names("a@b", "x"), new Names("orders", "a@b"),
                new Names("orders", "ok"));
        Gen<String> names = names();
        forAll(examples, random -> new Names(names.next(random), names.next(random)),
                FileServiceRegistryPropertyTest::assertOwnFileOrRefused);
    }

    private static void assertOwnFileOrRefused(Names names) throws IOException {
        String service = names.service();
        String id = names.id();
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
                return;
            }
            registry.register(instance, TTL);

            try (Stream<Path> files = Files.list(dir)) {
                assertThat(files).containsExactly(dir.resolve(service + "@" + id + ".json"));
            }
            assertThat(siblingsOf(dir)).containsExactly("registry", "victim@v.json");
            assertThat(registry.instances(service)).containsExactly(instance);
            assertThat(registry.deregister(service, id)).isTrue();
        }
    }

    @Test
    void register_anyMetadataValues_roundTripInOneFile() {
        List<Map<String, String>> examples = List.of(Map.of(), Map.of("k", ""), Map.of("k", "\"}"),
                Map.of("k", "\u0000\n"), Map.of("v", "{\"v\":2}"), Map.of("a".repeat(64), "x".repeat(1024)));
        forAll(examples, metadata(), FileServiceRegistryPropertyTest::assertRoundTrip);
    }

    private static void assertRoundTrip(Map<String, String> metadata) throws IOException {
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

    private static Gen<String> fields() {
        return oneOf("v", "service", "id", "host", "port", "status", "metadata", "ports", "ttlMillis", "expiresAt",
                "extra");
    }

    private static Gen<JsonNode> jsonValues() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        Gen<BigInteger> bigIntegers = random -> { // -10^30..10^30
            BigInteger magnitude = new BigInteger(Fuzz.strings("0123456789", 1, 31).next(random))
                    .min(BigInteger.TEN.pow(30));
            return random.nextBoolean() ? magnitude : magnitude.negate();
        };
        Gen<Double> doubles = anyOf(oneOf(0.0, -0.0, Double.MIN_VALUE, -Double.MIN_VALUE, Double.MAX_VALUE,
                        -Double.MAX_VALUE, 0.5, 65535.0, 1e19),
                random -> random.nextDouble(-1e20, 1e20),
                random -> Double.longBitsToDouble(random.nextLong()));
        Gen<JsonNode> scalars = anyOf(
                Fuzz.strings(0, 40).map(f::textNode),
                oneOf("UP", "DOWN", "orders", "bad", "good", "../x", "a".repeat(300_000)).map(f::textNode),
                Fuzz.ints(Integer.MIN_VALUE, Integer.MAX_VALUE).map(f::numberNode),
                Fuzz.longs(Long.MIN_VALUE, Long.MAX_VALUE).map(f::numberNode),
                doubles.filter(Double::isFinite).map(f::numberNode),
                bigIntegers.map(f::numberNode),
                oneOf(0, 1, 2, -1, 65535, 65536).map(f::numberNode),
                oneOf(f.nullNode(), f.booleanNode(true), f.arrayNode(), f.objectNode()));
        Gen<String> keys = Fuzz.strings(0, 10);
        Gen<JsonNode> objects = random -> f.objectNode().set(keys.next(random), scalars.next(random));
        return anyOf(scalars, objects);
    }

    private static Gen<String> names() {
        return anyOf(
                Fuzz.strings("az09._-", 0, 60).map(tail -> "a" + tail),
                Fuzz.strings("az09._-", 0, 60).map(tail -> "0" + tail),
                Fuzz.strings("aZ09._-", 1, 130),
                Fuzz.strings("aZ09._-/\\*{}:@?[]\n\r\t\u0000 ", 0, 20),
                oneOf("..", "../victim", "../victim@v", "a/../../victim", "*", "a*", "{orders}", "a:b", "a\nb",
                        "orders\n", "a".repeat(200), "/etc/passwd", "CON", "a@b", ".hidden", "-x"),
                Fuzz.strings());
    }

    private static Gen<Map<String, String>> metadata() {
        Gen<String> keys = Fuzz.strings("aZ09._-", 1, 64).filter(k -> Character.isLetterOrDigit(k.charAt(0)));
        Gen<String> values = anyOf(
                Fuzz.strings(0, 1024),
                oneOf("", "\"}", "\n", "../x", "{\"v\":2}", "\u0000", "x".repeat(1024)));
        return Fuzz.maps(keys, values, 64);
    }
}
