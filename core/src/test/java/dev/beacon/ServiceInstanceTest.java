package dev.beacon;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ServiceInstanceTest {

    private static ServiceInstance.Builder orders() {
        return ServiceInstance.builder("orders").id("orders-1").host("10.0.0.5").port(8080);
    }

    private static IllegalArgumentException invalid(ServiceInstance.Builder builder) {
        return assertThrows(IllegalArgumentException.class, builder::build);
    }

    // ---- service name

    @ParameterizedTest
    @ValueSource(strings = {"o", "orders", "orders-v2", "orders_eu.1", "0rders"})
    void serviceName_valid_isAccepted(String name) {
        assertThat(ServiceInstance.builder(name).host("10.0.0.5").port(8080).build().service()).isEqualTo(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Orders", "-orders", ".orders", "orders/eu", "orders eu", "orders@eu", "ordérs", ""})
    void serviceName_invalid_throwsNamingValueAndForm(String name) {
        IllegalArgumentException e = invalid(ServiceInstance.builder(name).host("10.0.0.5").port(8080));

        assertThat(e.getMessage()).isEqualTo("service name must match [a-z0-9][a-z0-9._-]{0,62} "
                + "(lower-case letters, digits, '.', '_', '-'; at most 63 characters), but was '" + name + "'");
    }

    @Test
    void serviceName_63Characters_isAcceptedAnd64Rejected() {
        String longest = "s".repeat(63);
        assertThat(ServiceInstance.checkServiceName(longest)).isEqualTo(longest);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ServiceInstance.checkServiceName(longest + "s"));

        assertThat(e.getMessage()).endsWith("but was '" + longest + "s'");
    }

    @Test
    void serviceName_null_throwsSayingNull() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ServiceInstance.checkServiceName(null));

        assertThat(e.getMessage()).endsWith("but was null");
    }

    @Test
    void serviceName_withLineBreak_isShownEscaped() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ServiceInstance.checkServiceName("orders\nFAKE LOG LINE"));

        assertThat(e.getMessage()).endsWith("but was 'orders\\x0aFAKE LOG LINE'").doesNotContain("\n");
    }

    // ---- instance id

    @ParameterizedTest
    @ValueSource(strings = {"a", "Orders-1", "host_1.example-8080", "0"})
    void id_valid_isAccepted(String id) {
        assertThat(orders().id(id).build().id()).isEqualTo(id);
    }

    @ParameterizedTest
    @ValueSource(strings = {"-a", "_a", ".hidden", "../etc/passwd", "a b", "a@b", "a/b", ""})
    void id_invalid_throwsNamingValue(String id) {
        IllegalArgumentException e = invalid(orders().id(id));

        assertThat(e.getMessage())
                .isEqualTo("instance id must match [A-Za-z0-9][A-Za-z0-9._-]{0,127}, but was '" + id + "'");
    }

    @Test
    void id_128Characters_isAcceptedAnd129RejectedWithShortenedValue() {
        String longest = "i".repeat(128);
        assertThat(ServiceInstance.checkInstanceId(longest)).isEqualTo(longest);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ServiceInstance.checkInstanceId(longest + "i"));

        assertThat(e.getMessage()).endsWith("but was '" + "i".repeat(80) + "'…(129 chars)");
    }

    // ---- host and port

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.5", "api.example.com", "::1", "fe80::1%eth0", "[2001:db8::1]", "localhost"})
    void host_valid_isAccepted(String host) {
        assertThat(orders().host(host).build().host()).isEqualTo(host);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "bad host", "host/path", "user@host", "héte"})
    void host_invalid_throwsNamingValue(String host) {
        IllegalArgumentException e = invalid(orders().host(host));

        assertThat(e.getMessage()).isEqualTo("host must be an IP address or host name (letters, digits, '.', ':', "
                + "'-'), but was '" + host + "'");
    }

    @Test
    void host_missing_throwsSayingNull() {
        IllegalArgumentException e = invalid(ServiceInstance.builder("orders").port(8080));

        assertThat(e.getMessage()).startsWith("host must be").endsWith("but was null");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 65536, Integer.MIN_VALUE})
    void port_outOfRange_throwsNamingValue(int port) {
        IllegalArgumentException e = invalid(orders().port(port));

        assertThat(e.getMessage()).isEqualTo("port must be 1..65535, but was " + port);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 65535})
    void port_atBounds_isAccepted(int port) {
        assertThat(orders().port(port).build().port()).isEqualTo(port);
    }

    @Test
    void status_null_throwsNamingField() {
        NullPointerException e = assertThrows(NullPointerException.class,
                () -> new ServiceInstance("orders", "orders-1", "10.0.0.5", 8080, null, Map.of(), Map.of()));

        assertThat(e.getMessage()).isEqualTo("status must not be null");
    }

    // ---- metadata

    private static Map<String, String> metadataOfSize(int size) {
        return IntStream.range(0, size).boxed()
                .collect(Collectors.toMap(i -> "key" + i, i -> "value" + i));
    }

    @Test
    void metadata_atMostEntries_isAccepted() {
        ServiceInstance instance = orders().metadata(metadataOfSize(ServiceInstance.MAX_METADATA_ENTRIES)).build();

        assertThat(instance.metadata()).hasSize(64);
    }

    @Test
    void metadata_tooManyEntries_throwsNamingCount() {
        IllegalArgumentException e = invalid(orders().metadata(metadataOfSize(65)));

        assertThat(e.getMessage()).isEqualTo("metadata may have at most 64 entries, but had 65");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-version", "ver sion", "zone/eu"})
    void metadata_invalidKey_throwsNamingKey(String key) {
        IllegalArgumentException e = invalid(orders().metadata(key, "1"));

        assertThat(e.getMessage()).isEqualTo("metadata key must match [A-Za-z0-9][A-Za-z0-9._-]{0,63}, but was '"
                + key + "'");
    }

    @Test
    void metadata_nullKey_throwsSayingNull() {
        Map<String, String> metadata = new HashMap<>();
        metadata.put(null, "1");

        IllegalArgumentException e = invalid(orders().metadata(metadata));

        assertThat(e.getMessage()).endsWith("but was null");
    }

    @Test
    void metadata_nullValue_throwsNamingKey() {
        IllegalArgumentException e = invalid(orders().metadata("version", null));

        assertThat(e.getMessage()).isEqualTo("metadata value of 'version' must not be null");
    }

    @Test
    void metadata_valueAtLimit_isAcceptedAndLongerRejected() {
        String longest = "v".repeat(ServiceInstance.MAX_METADATA_VALUE_LENGTH);
        assertThat(orders().metadata("note", longest).build().metadata()).containsEntry("note", longest);

        IllegalArgumentException e = invalid(orders().metadata("note", longest + "v"));

        assertThat(e.getMessage()).isEqualTo("metadata value of 'note' may have at most 1024 characters, but had 1025");
    }

    @Test
    void metadata_null_becomesEmpty() {
        ServiceInstance instance = new ServiceInstance("orders", "orders-1", "10.0.0.5", 8080, Status.UP, null, null);

        assertThat(instance.metadata()).isEmpty();
        assertThat(instance.ports()).isEmpty();
    }

    @Test
    void metadata_sourceChangedAfterConstruction_instanceUnchanged() {
        Map<String, String> source = new HashMap<>(Map.of("version", "1.0"));
        ServiceInstance instance = orders().metadata(source).build();

        source.put("version", "2.0");
        source.put("zone", "eu-1");

        assertThat(instance.metadata()).containsExactly(Map.entry("version", "1.0"));
    }

    @Test
    void metadata_returned_isUnmodifiable() {
        ServiceInstance instance = orders().metadata("version", "1.0").build();

        assertThrows(UnsupportedOperationException.class, () -> instance.metadata().put("zone", "eu-1"));
    }

    @Test
    void metadata_sameEntriesInOtherOrder_areEqual() {
        Map<String, String> ab = new LinkedHashMap<>();
        ab.put("a", "1");
        ab.put("b", "2");
        Map<String, String> ba = new LinkedHashMap<>();
        ba.put("b", "2");
        ba.put("a", "1");

        assertThat(orders().metadata(ab).build()).isEqualTo(orders().metadata(ba).build());
    }

    // ---- named ports

    @Test
    void ports_valid_areKept() {
        ServiceInstance instance = orders().ports(Map.of("admin", 9090, "grpc", 9091)).build();

        assertThat(instance.ports()).containsOnly(Map.entry("admin", 9090), Map.entry("grpc", 9091));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 65536})
    void ports_outOfRange_throwsNamingPortAndValue(int port) {
        IllegalArgumentException e = invalid(orders().ports(Map.of("admin", port)));

        assertThat(e.getMessage()).isEqualTo("port 'admin' must be 1..65535, but was " + port);
    }

    @Test
    void ports_invalidName_throwsNamingName() {
        IllegalArgumentException e = invalid(orders().ports(Map.of("ad min", 9090)));

        assertThat(e.getMessage()).isEqualTo("port name must match [A-Za-z0-9][A-Za-z0-9._-]{0,63}, but was 'ad min'");
    }

    @Test
    void ports_nullValue_throwsNamingPort() {
        Map<String, Integer> ports = new HashMap<>();
        ports.put("admin", null);

        IllegalArgumentException e = invalid(orders().ports(ports));

        assertThat(e.getMessage()).isEqualTo("port 'admin' must not be null");
    }

    @Test
    void ports_tooMany_throwsNamingCount() {
        Map<String, Integer> ports = IntStream.rangeClosed(1, ServiceInstance.MAX_NAMED_PORTS + 1).boxed()
                .collect(Collectors.toMap(i -> "p" + i, Function.identity()));

        IllegalArgumentException e = invalid(orders().ports(ports));

        assertThat(e.getMessage()).isEqualTo("an instance may name at most 32 ports, but had 33");
    }

    @Test
    void ports_sourceChangedAfterConstruction_instanceUnchanged() {
        Map<String, Integer> source = new HashMap<>(Map.of("admin", 9090));
        ServiceInstance instance = orders().ports(source).build();

        source.put("admin", 1);

        assertThat(instance.ports()).containsExactly(Map.entry("admin", 9090));
        assertThrows(UnsupportedOperationException.class, () -> instance.ports().put("grpc", 9091));
    }

    // ---- builder

    @Test
    void builder_onlyRequiredValues_defaultsStatusUpAndEmptyMaps() {
        ServiceInstance instance = ServiceInstance.builder("orders").host("10.0.0.5").port(8080).build();

        assertThat(instance.status()).isEqualTo(Status.UP);
        assertThat(instance.metadata()).isEmpty();
        assertThat(instance.ports()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({
            "10.0.0.5, 8080, 10.0.0.5-8080",
            "api.example.com, 443, api.example.com-443",
            "fe80::1%eth0, 9000, fe80__1_eth0-9000"})
    void builder_noId_derivesIdFromHostAndPort(String host, int port, String expectedId) {
        ServiceInstance instance = ServiceInstance.builder("orders").host(host).port(port).build();

        assertThat(instance.id()).isEqualTo(expectedId);
    }

    /** Regression: the derived id of "::1" was "__1-8080", which the id rule rejects, so build() failed. */
    @ParameterizedTest
    @CsvSource({
            "::1, 8080, 1-8080",
            "::, 8080, 8080",
            "[2001:db8::1], 80, 2001_db8__1_-80"})
    void builder_ipv6HostWithoutId_derivesIdStartingWithLetterOrDigit(String host, int port, String expectedId) {
        ServiceInstance instance = ServiceInstance.builder("orders").host(host).port(port).build();

        assertThat(instance.id()).isEqualTo(expectedId);
    }

    @Test
    void builder_noPort_throwsNamingPort() {
        IllegalArgumentException e = invalid(ServiceInstance.builder("orders").host("10.0.0.5"));

        assertThat(e.getMessage()).isEqualTo("port must be 1..65535, but was 0");
    }

    @Test
    void builder_metadataPairs_accumulate() {
        ServiceInstance instance = orders().metadata("version", "1.0").metadata("zone", "eu-1").build();

        assertThat(instance.metadata()).containsOnly(Map.entry("version", "1.0"), Map.entry("zone", "eu-1"));
    }

    @Test
    void toBuilder_unchanged_buildsEqualInstance() {
        ServiceInstance instance = orders().status(Status.DRAINING).metadata("version", "1.0")
                .ports(Map.of("admin", 9090)).build();

        assertThat(instance.toBuilder().build()).isEqualTo(instance);
    }

    @Test
    void withStatus_otherStatus_changesOnlyStatus() {
        ServiceInstance instance = orders().metadata("version", "1.0").build();

        ServiceInstance down = instance.withStatus(Status.DOWN);

        assertThat(down.status()).isEqualTo(Status.DOWN);
        assertThat(down).usingRecursiveComparison().ignoringFields("status").isEqualTo(instance);
    }

    @Test
    void withStatus_sameStatus_returnsSameInstance() {
        ServiceInstance instance = orders().build();

        assertThat(instance.withStatus(Status.UP)).isSameAs(instance);
    }

    // ---- address

    @ParameterizedTest
    @CsvSource({
            "10.0.0.5, 8080, 10.0.0.5:8080",
            "api.example.com, 443, api.example.com:443",
            "::1, 8080, [::1]:8080",
            "2001:db8::1, 80, [2001:db8::1]:80",
            "fe80::1%eth0, 9000, [fe80::1%eth0]:9000",
            "[2001:db8::1], 80, [2001:db8::1]:80"})
    void address_anyHost_isHostColonPortWithIpv6InBrackets(String host, int port, String expected) {
        assertThat(orders().host(host).port(port).build().address()).isEqualTo(expected);
    }

    // ---- uri

    @ParameterizedTest
    @CsvSource({
            "http, 10.0.0.5, 8080, http://10.0.0.5:8080",
            "https, api.example.com, 443, https://api.example.com:443",
            "http, ::1, 8080, http://[::1]:8080",
            "http, [::1], 8080, http://[::1]:8080",
            "grpc, 2001:db8::1, 80, grpc://[2001:db8::1]:80",
            "http, fe80::1%eth0, 9000, http://[fe80::1%eth0]:9000"})
    void uri_anyHost_isSchemeHostPortWithIpv6InBrackets(String scheme, String host, int port, String expected) {
        java.net.URI uri = orders().host(host).port(port).build().uri(scheme);

        assertThat(uri).hasToString(expected);
        assertThat(uri.getPort()).isEqualTo(port);
        assertThat(uri.getHost()).as("a server-based authority, as HTTP clients need").isNotNull();
    }

    @Test
    void uri_resolvedPath_keepsTheIpv6Brackets() {
        assertThat(orders().host("::1").build().uri("http").resolve("/orders?id=7"))
                .hasToString("http://[::1]:8080/orders?id=7");
    }

    /** A zone id escaped as RFC 6874's "%25" reaches the JDK's resolver as another zone ("25lo"): not resolvable. */
    @Test
    void uri_ipv6WithZone_keepsTheZoneAsTheJdkResolvesIt() throws Exception {
        String zone = java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces()).stream()
                .filter(n -> { try { return n.isLoopback(); } catch (java.net.SocketException e) { return false; } })
                .findFirst().orElseThrow().getName();
        java.net.URI uri = orders().host("::1%" + zone).build().uri("http");

        assertThat(uri.getHost()).isEqualTo("[::1%" + zone + "]");
        java.net.InetAddress address = java.net.InetAddress.getByName(
                uri.getHost().substring(1, uri.getHost().length() - 1));
        assertThat(((java.net.Inet6Address) address).getScopedInterface().getName()).isEqualTo(zone);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1http", "ht tp", "http:", "http://"})
    void uri_badScheme_throwsNamingIt(String scheme) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> orders().build().uri(scheme));

        assertThat(e.getMessage()).startsWith("scheme must be a URI scheme").endsWith("but was '" + scheme + "'");
    }

    @Test
    void uri_hostNoUriCanHold_throwsNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> orders().host("my_host").build().uri("http"));

        assertThat(e.getMessage()).startsWith("host 'my_host' of orders id=orders-1 cannot be written in a http URI");
    }

    @Test
    void uri_namedPort_usesThatPort_emptyWhenNotNamed() {
        ServiceInstance instance = orders().host("::1").ports(Map.of("admin", 9090)).build();

        assertThat(instance.uri("http", "admin")).hasValueSatisfying(
                uri -> assertThat(uri).hasToString("http://[::1]:9090"));
        assertThat(instance.uri("http", "metrics")).isEmpty();
    }

    @ParameterizedTest
    @NullAndEmptySource
    void builder_nullOrEmptyService_throwsNamingValue(String service) {
        IllegalArgumentException e = invalid(ServiceInstance.builder(service).host("10.0.0.5").port(8080));

        assertThat(e.getMessage()).startsWith("service name must match")
                .endsWith(service == null ? "but was null" : "but was ''");
    }
}
