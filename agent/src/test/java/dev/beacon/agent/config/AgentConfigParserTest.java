package dev.beacon.agent.config;

import dev.beacon.health.HealthThresholds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

class AgentConfigParserTest {

    private static AgentConfig parse(String agentArgs) {
        return AgentConfigParser.parse(agentArgs, Map.of(), Map.of());
    }

    private static IllegalArgumentException parseFails(String agentArgs) {
        return assertThrows(IllegalArgumentException.class, () -> parse(agentArgs));
    }

    // ---- every key, and the defaults

    @Test
    void parse_everyKey_setsEveryField() {
        AgentConfig config = parse("service=orders,registry=memory:,ttl=30s,heartbeat=5s,host=10.0.0.5,port=8080,"
                + "id=orders-1,meta.version=1.4,exclude-ports=5005,drain=2s,health=/ready,health-interval=5s,"
                + "health-rise=4,health-fall=5,log=debug,enabled=true");

        assertThat(config.enabled()).isTrue();
        assertThat(config.service()).isEqualTo("orders");
        assertThat(config.registry()).isEqualTo("memory:");
        assertThat(config.ttl()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.heartbeat()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.host()).contains("10.0.0.5");
        assertThat(config.port()).isEqualTo(OptionalInt.of(8080));
        assertThat(config.id()).contains("orders-1");
        assertThat(config.metadata()).containsExactly(Map.entry("version", "1.4"));
        assertThat(config.excludePorts()).containsExactly(5005);
        assertThat(config.drain()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.health()).contains(
                new AgentConfig.Health("/ready", Duration.ofSeconds(5), new HealthThresholds(4, 5)));
        assertThat(config.logLevel()).isEqualTo("debug");
    }

    @Test
    void parse_keysList_namesEveryDocumentedKey() {
        assertThat(AgentConfigParser.KEYS).containsExactly("service", "registry", "ttl", "heartbeat", "host", "port",
                "id", "meta.<key>", "exclude-ports", "ports", "interface", "network", "drain", "health", "health-interval", "health-rise", "health-fall",
                "log", "enabled");
    }

    @Test
    void parse_nothingGiven_usesDefaults() {
        AgentConfig config = parse(null);

        assertThat(config.enabled()).isTrue();
        assertThat(config.service()).isEqualTo("app");
        assertThat(config.registry()).isEqualTo("file:");
        assertThat(config.ttl()).isEqualTo(Duration.ofSeconds(9));
        assertThat(config.heartbeat()).isEqualTo(Duration.ofSeconds(3));
        assertThat(config.host()).isEmpty();
        assertThat(config.port()).isEmpty();
        assertThat(config.id()).isEmpty();
        assertThat(config.metadata()).isEmpty();
        assertThat(config.excludePorts()).isEmpty();
        assertThat(config.drain()).isEqualTo(Duration.ZERO);
        assertThat(config.health()).isEmpty();
        assertThat(config.logLevel()).isEqualTo("info");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  ", ",", " , ,"})
    void parse_blankArguments_usesDefaults(String agentArgs) {
        assertThat(parse(agentArgs)).isEqualTo(parse(null));
    }

    @ParameterizedTest
    @CsvSource({"3s, 1000", "1s, 333", "10s, 3333", "1h, 1200000"})
    void parse_ttlWithoutHeartbeat_heartbeatIsTtlOverThree(String ttl, long heartbeatMillis) {
        assertThat(parse("ttl=" + ttl).heartbeat().toMillis()).isEqualTo(heartbeatMillis);
    }

    @ParameterizedTest
    @CsvSource({"false, false", "FALSE, false", "true, true", "' True ', true"})
    void parse_enabled_isParsedIgnoringCase(String value, boolean expected) {
        assertThat(parse("enabled=" + value).enabled()).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"off", "error", "warn", "info", "debug", "trace"})
    void parse_everyLogLevel_isAccepted(String level) {
        assertThat(parse("log=" + level.toUpperCase()).logLevel()).isEqualTo(level);
    }

    @Test
    void parse_whitespaceAroundKeysAndValues_isTrimmed() {
        AgentConfig config = parse(" service = orders , ttl = 3s , host = 10.0.0.5 ");

        assertThat(config.service()).isEqualTo("orders");
        assertThat(config.ttl()).isEqualTo(Duration.ofSeconds(3));
        assertThat(config.host()).contains("10.0.0.5");
    }

    @ParameterizedTest
    @ValueSource(strings = {"redis://10.0.0.7:6379", "rediss://redis.local:6380/2", "file:", "file:/tmp/beacon",
            "memory:", "redis-sentinel://s1:26379,s2:26379/mymaster", "redis-cluster://c1:7000,c2:7001"})
    void parse_supportedRegistry_isKept(String uri) {
        assertThat(parse("registry=" + uri).registry()).isEqualTo(uri);
    }

    // ---- precedence: agent argument > system property > environment variable

    @Test
    void parse_sameKeyInAllSources_agentArgumentWins() {
        AgentConfig config = AgentConfigParser.parse("service=from-args",
                Map.of("beacon.service", "from-props"), Map.of("BEACON_SERVICE", "from-env"));

        assertThat(config.service()).isEqualTo("from-args");
    }

    @Test
    void parse_keyInPropertiesAndEnvironment_propertyWins() {
        AgentConfig config = AgentConfigParser.parse("service=orders",
                Map.of("beacon.ttl", "20s"), Map.of("BEACON_TTL", "30s"));

        assertThat(config.ttl()).isEqualTo(Duration.ofSeconds(20));
    }

    @Test
    void parse_keyOnlyInEnvironment_isUsed() {
        AgentConfig config = AgentConfigParser.parse(null, Map.of(),
                Map.of("BEACON_SERVICE", "billing", "BEACON_EXCLUDE_PORTS", "5005,9010", "BEACON_DRAIN", "1s",
                        "BEACON_ENABLED", "false", "BEACON_REGISTRY", "memory:"));

        assertThat(config.service()).isEqualTo("billing");
        assertThat(config.excludePorts()).containsExactlyInAnyOrder(5005, 9010);
        assertThat(config.drain()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.enabled()).isFalse();
        assertThat(config.registry()).isEqualTo("memory:");
    }

    @Test
    void parse_keyOnlyInProperties_isUsed() {
        AgentConfig config = AgentConfigParser.parse(null,
                Map.of("beacon.service", "billing", "beacon.exclude-ports", "5005", "beacon.log", "warn"), Map.of());

        assertThat(config.service()).isEqualTo("billing");
        assertThat(config.excludePorts()).containsExactly(5005);
        assertThat(config.logLevel()).isEqualTo("warn");
    }

    @Test
    void parse_eachKeyFromItsHighestSource_mixesSources() {
        AgentConfig config = AgentConfigParser.parse("ttl=6s",
                Map.of("beacon.ttl", "bad", "beacon.port", "8081"),
                Map.of("BEACON_TTL", "bad", "BEACON_PORT", "bad", "BEACON_HOST", "10.9.9.9"));

        assertThat(config.ttl()).isEqualTo(Duration.ofSeconds(6));
        assertThat(config.port()).isEqualTo(OptionalInt.of(8081));
        assertThat(config.host()).contains("10.9.9.9");
    }

    @Test
    void parse_unknownPropertyOrVariableWithPrefix_isIgnored() {
        AgentConfig config = AgentConfigParser.parse("service=orders",
                Map.of("beacon.agent.jar", "/x.jar", "beacon.redis.required", "true"),
                Map.of("BEACON_HOME", "/opt/beacon", "BEACON_META_", "x"));

        assertThat(config.metadata()).isEmpty();
    }

    @Test
    void parse_nonStringProperty_isIgnored() {
        Map<Object, Object> properties = Map.<Object, Object>of("beacon.port", 8080, "beacon.service", "orders");

        AgentConfig config = AgentConfigParser.parse(null, properties, Map.of());

        assertThat(config.port()).isEmpty();
        assertThat(config.service()).isEqualTo("orders");
    }

    // ---- continuation pieces and metadata

    @Test
    void parse_pieceWithoutEquals_continuesPreviousValue() {
        AgentConfig config = parse("service=orders,exclude-ports=5005,9010,meta.tags=a,b,ttl=5s");

        assertThat(config.excludePorts()).containsExactlyInAnyOrder(5005, 9010);
        assertThat(config.metadata()).containsEntry("tags", "a,b");
        assertThat(config.ttl()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void parse_metadataFromAllSources_mergedWithArgumentsWinning() {
        AgentConfig config = AgentConfigParser.parse("service=orders,meta.version=1.4",
                Map.of("beacon.meta.version", "1.3", "beacon.meta.zone", "eu-1"),
                Map.of("BEACON_META_ZONE", "us-1", "BEACON_META_WEIGHT", "2", "BEACON_META_VERSION", "1.2"));

        assertThat(config.metadata()).containsExactlyInAnyOrderEntriesOf(
                Map.of("version", "1.4", "zone", "eu-1", "weight", "2"));
    }

    @Test
    void parse_metadataVariable_keyIsLowerCase() {
        AgentConfig config = AgentConfigParser.parse(null, Map.of(), Map.of("BEACON_META_BUILD_ID", "42"));

        assertThat(config.metadata()).containsExactly(Map.entry("build_id", "42"));
    }

    // ---- bad input: each message names the key, the bad value and what is valid

    @Test
    void parse_unknownKey_throwsListingValidKeys() {
        IllegalArgumentException e = parseFails("service=orders,tll=3s");

        assertThat(e.getMessage()).contains("unknown agent argument 'tll'", "tll=3s",
                "valid keys: service, registry, ttl, heartbeat, host, port, id, meta.<key>, exclude-ports, ports, "
                        + "interface, network, drain, "
                        + "health, health-interval, health-rise, health-fall, log, enabled");
    }

    @Test
    void parse_emptyMetadataKey_throwsAsUnknownKey() {
        IllegalArgumentException e = parseFails("meta.=x");

        assertThat(e.getMessage()).contains("unknown agent argument 'meta.'", "valid keys:");
    }

    @Test
    void parse_duplicateKey_throwsNamingKeyAndBothValues() {
        IllegalArgumentException e = parseFails("ttl=3s,service=orders,ttl=5s");

        assertThat(e.getMessage()).contains("'ttl' is given twice", "ttl=3s", "ttl=5s", "give each key once");
    }

    @Test
    void parse_duplicateRegistry_doesNotShowPassword() {
        IllegalArgumentException e = parseFails("registry=redis://u:hunter2@h:6379,registry=memory:");

        assertThat(e.getMessage()).contains("'registry' is given twice", "redis://u:****@h:6379")
                .doesNotContain("hunter2");
    }

    @Test
    void parse_firstPieceWithoutEquals_throwsShowingFormAndKeys() {
        IllegalArgumentException e = parseFails("orders,ttl=3s");

        assertThat(e.getMessage()).contains("agent argument 'orders' has no value", "key=value",
                "keys: service, registry");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "ttl=abc       | ttl 'abc' is not a duration",
            "ttl=3 seconds | ttl '3 seconds' is not a duration",
            "heartbeat=1.5s| heartbeat '1.5s' is not a duration",
            "drain=-1s     | drain '-1s' is not a duration"})
    void parse_badDuration_throwsNamingKeyValueAndForm(String args, String expected) {
        IllegalArgumentException e = parseFails(args);

        assertThat(e.getMessage()).contains(expected, "write it like 500ms, 3s, 2m, 1h or 1d");
    }

    @ParameterizedTest
    @ValueSource(strings = {"999ms", "0s", "25h", "1441m"})
    void parse_ttlOutOfRange_throwsNamingValueAndRange(String ttl) {
        IllegalArgumentException e = parseFails("ttl=" + ttl);

        assertThat(e.getMessage()).isEqualTo("ttl must be between 1s and 1d, but was '" + ttl + "'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1s", "24h", "1440m"})
    void parse_ttlAtBounds_isAccepted(String ttl) {
        assertThat(parse("ttl=" + ttl).ttl()).isBetween(Duration.ofSeconds(1), Duration.ofDays(1));
    }

    @ParameterizedTest
    @CsvSource({"ttl=3s;heartbeat=3s, heartbeat=3s", "ttl=3s;heartbeat=4s, heartbeat=4s",
            "ttl=3s;heartbeat=99ms, heartbeat=99ms", "heartbeat=10s, heartbeat=10s"})
    void parse_heartbeatNotShorterThanTtlOrTooShort_throwsNamingBoth(String args, String expected) {
        IllegalArgumentException e = parseFails(args.replace(';', ','));

        assertThat(e.getMessage()).startsWith(expected)
                .contains("must be at least 100ms and shorter than ttl=", "(default: ttl/3)");
    }

    @Test
    void parse_drainOverFiveMinutes_throws() {
        IllegalArgumentException e = parseFails("drain=6m");

        assertThat(e.getMessage()).isEqualTo("drain=6m is too long; use at most 5m");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "port=0              | port=0 ",
            "port=65536          | port=65536 ",
            "port=http           | port=http ",
            "port=-1             | port=-1 ",
            "exclude-ports=5005,x| exclude-ports=x ",
            "exclude-ports=70000 | exclude-ports=70000 "})
    void parse_badPort_throwsNamingKeyValueAndRange(String args, String expected) {
        IllegalArgumentException e = parseFails(args);

        assertThat(e.getMessage()).startsWith(expected.stripTrailing()).endsWith("is not a port; use a number 1..65535");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Orders", "-orders", "orders service", "örders", "a123456789012345678901234567890"
            + "1234567890123456789012345678901234"})
    void parse_badServiceName_throwsNamingValueAndPattern(String service) {
        IllegalArgumentException e = parseFails("service=" + service);

        assertThat(e.getMessage()).startsWith("service=" + service + ": ")
                .contains("service name must match [a-z0-9][a-z0-9._-]{0,62}");
    }

    @Test
    void parse_badInstanceId_throwsNamingValueAndPattern() {
        IllegalArgumentException e = parseFails("id=-x");

        assertThat(e.getMessage()).startsWith("id=-x: ").contains("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    }

    @Test
    void parse_badHost_throwsNamingValue() {
        IllegalArgumentException e = parseFails("host=my host");

        assertThat(e.getMessage()).startsWith("host=my host is not an IP address or host name");
    }

    @Test
    void parse_unknownRegistryScheme_throwsListingSchemes() {
        IllegalArgumentException e = parseFails("registry=zk://zoo:2181");

        assertThat(e.getMessage()).startsWith("registry=zk://zoo:2181: ")
                .contains("unknown registry", "file:", "memory:", "redis:");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "redis://h:99999          | port must be a number 1..65535, but was '99999'",
            "redis://h:6379/16        | database must be a number 0..15",
            "redis://h1:1,h2:2        | name one host",
            "redis://                 | no host given",
            "redis://h?colour=blue    | unknown option 'colour'",
            "redis-sentinel://s1:26379| master name"})
    void parse_malformedRedisUri_throwsNamingUriAndProblem(String uri, String problem) {
        IllegalArgumentException e = parseFails("registry=" + uri);

        assertThat(e.getMessage()).startsWith("registry=" + uri + ": ").contains("is not valid", problem);
    }

    @Test
    void parse_badRegistryWithPassword_doesNotShowPassword() {
        IllegalArgumentException e = parseFails("registry=redis://beacon:hunter2@h:99999");

        assertThat(e.getMessage()).contains("redis://beacon:****@h:99999", "port must be a number 1..65535")
                .doesNotContain("hunter2");
    }

    @ParameterizedTest
    @ValueSource(strings = {"registy=redis://beacon:hunter2@h:6379", "redis://beacon:hunter2@h:6379,ttl=3s"})
    void parse_misspelledKeyOrMissingKeyBeforeRedisUri_doesNotShowPassword(String args) {
        IllegalArgumentException e = parseFails(args);

        assertThat(e.getMessage()).contains("redis://beacon:****@h:6379").doesNotContain("hunter2");
    }

    @Test
    void parse_unknownSchemeWithPassword_doesNotShowPassword() {
        IllegalArgumentException e = parseFails("registry=zk://ops:hunter2@zoo:2181");

        assertThat(e.getMessage()).contains("unknown registry").doesNotContain("hunter2");
    }

    @Test
    void parse_badLogLevel_throwsListingLevels() {
        IllegalArgumentException e = parseFails("log=verbose");

        assertThat(e.getMessage()).startsWith("log=verbose: ")
                .contains("off, error, warn, info, debug, trace", "'verbose'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"yes", "1", "on", ""})
    void parse_badBoolean_throwsNamingValue(String value) {
        IllegalArgumentException e = parseFails("enabled=" + value);

        assertThat(e.getMessage()).isEqualTo("enabled=" + value + " must be true or false");
    }

    @Test
    void parse_badMetadataKey_throwsNamingKeyAndPattern() {
        IllegalArgumentException e = parseFails("meta.bad!key=1");

        assertThat(e.getMessage()).startsWith("meta: ")
                .contains("'bad!key'", "[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    }

    @Test
    void parse_metadataValueTooLong_throwsNamingKeyAndLimit() {
        IllegalArgumentException e = parseFails("meta.notes=" + "x".repeat(1025));

        assertThat(e.getMessage()).startsWith("meta: ").contains("'notes'", "at most 1024 characters");
    }

    @Test
    void parse_badValueInEnvironment_throwsNamingKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AgentConfigParser.parse(null, Map.of(), Map.of("BEACON_TTL", "forever")));

        assertThat(e.getMessage()).startsWith("ttl 'forever' is not a duration");
    }

    // ---- the self-check

    @Test
    void parse_healthPath_usesDefaultIntervalRiseAndFall() {
        AgentConfig.Health health = parse("health=/health").health().orElseThrow();

        assertThat(health.target()).isEqualTo("/health");
        assertThat(health.isPath()).isTrue();
        assertThat(health.interval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(health.thresholds()).isEqualTo(new HealthThresholds(2, 3));
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:8081/ready", "https://localhost:8443/health?full=true",
            "HTTP://[::1]:8081/ready"})
    void parse_healthUrl_isKept(String url) {
        AgentConfig.Health health = parse("health=" + url).health().orElseThrow();

        assertThat(health.target()).isEqualTo(url);
        assertThat(health.isPath()).isFalse();
    }

    @Test
    void parse_healthPathWithQuery_isKept() {
        assertThat(parse("health=/actuator/health?group=readiness").health().orElseThrow().target())
                .isEqualTo("/actuator/health?group=readiness");
    }

    @Test
    void parse_healthFromEnvironment_isUsed() {
        AgentConfig config = AgentConfigParser.parse(null, Map.of(),
                Map.of("BEACON_HEALTH", "/ready", "BEACON_HEALTH_INTERVAL", "500ms", "BEACON_HEALTH_FALL", "1"));

        assertThat(config.health()).contains(
                new AgentConfig.Health("/ready", Duration.ofMillis(500), new HealthThresholds(2, 1)));
    }

    @Test
    void parse_healthCompanionsWithoutHealth_areValidatedButNoSelfCheck() {
        assertThat(parse("health-interval=5s,health-rise=1").health()).isEmpty();
        assertThat(parseFails("health-rise=0").getMessage()).startsWith("health-rise=0 is not a count");
    }

    @ParameterizedTest
    @ValueSource(strings = {"health", "health/x", "//evil.example/health", "ftp://h/health", "http:///health",
            "/he alth", "/health#top", "mailto:ops@example.com"})
    void parse_badHealthTarget_throwsNamingValueAndForms(String target) {
        IllegalArgumentException e = parseFails("health=" + target);

        assertThat(e.getMessage()).startsWith("health=" + target + " is not valid: ")
                .endsWith("write a path on the registered port such as health=/health, a URL such as "
                        + "health=http://127.0.0.1:8081/ready, or health=auto");
    }

    @Test
    void parse_emptyHealth_throws() {
        assertThat(parseFails("health=").getMessage()).startsWith("health= is not valid: ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"99ms", "0s", "11m"})
    void parse_healthIntervalOutOfRange_throwsNamingValueAndRange(String interval) {
        IllegalArgumentException e = parseFails("health=/health,health-interval=" + interval);

        assertThat(e.getMessage()).isEqualTo("health-interval=" + interval + " is out of range; use 100ms to 10m");
    }

    @Test
    void parse_healthIntervalNotADuration_throws() {
        assertThat(parseFails("health=/health,health-interval=often").getMessage())
                .startsWith("health-interval 'often' is not a duration");
    }

    @ParameterizedTest
    @CsvSource({"health-rise, 0, 2", "health-rise, 101, 2", "health-fall, x, 3", "health-fall, -1, 3",
            "health-fall, 1.5, 3"})
    void parse_badRiseOrFall_throwsNamingValueRangeAndDefault(String key, String value, int defaultValue) {
        IllegalArgumentException e = parseFails("health=/health," + key + "=" + value);

        assertThat(e.getMessage()).isEqualTo(key + "=" + value + " is not a count; use a whole number 1..100 (default "
                + defaultValue + ")");
    }

    // ---- the default service name

    @Test
    void defaultServiceName_springApplicationName_isUsedSanitized() {
        Map<String, String> properties = Map.of("spring.application.name", "Order Service",
                "sun.java.command", "/x/orders-1.4.2.jar");

        assertThat(DefaultServiceName.of(properties)).isEqualTo("order-service");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "/x/orders-1.4.2.jar arg                 | orders",
            "orders.jar                              | orders",
            "/opt/app/billing-service-2.0.0-SNAPSHOT.jar --port=1 | billing-service",
            "C:\\apps\\Inventory_API-3.1.jar         | inventory_api",
            "target/my-app-v2.jar                    | my-app-v2"})
    void defaultServiceName_jar_isFileNameWithoutVersion(String command, String expected) {
        assertThat(DefaultServiceName.of(Map.of("sun.java.command", command))).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "com.acme.OrderServiceApp       | order-service-app",
            "com.acme.OrderServiceApp --x=1 | order-service-app",
            "Main                           | main",
            "com.acme.Http2Server           | http2-server",
            "com.acme.$Weird$Main           | weird-main"})
    void defaultServiceName_mainClass_isKebabCaseSimpleName(String command, String expected) {
        assertThat(DefaultServiceName.of(Map.of("sun.java.command", command))).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "com.acme.billing.Server          | billing-server",
            "org.apache.kafka.Main            | kafka-main",
            "com.acme.orders.app.Application  | orders-app-application",
            "com.acme.AppServer               | app-server",
            "Server                           | server"})
    void defaultServiceName_genericMainClass_isPrefixedByItsPackage(String command, String expected) {
        assertThat(DefaultServiceName.of(Map.of("sun.java.command", command))).isEqualTo(expected);
    }

    @Test
    void defaultServiceName_mainClassInAJarOfTheClassPath_isThatJarWithoutVersion(@TempDir Path dir)
            throws IOException {
        Path jar = dir.resolve("zookeeper-3.9.4.jar");
        try (java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(Files.newOutputStream(jar))) {
            zip.putNextEntry(new java.util.zip.ZipEntry("org/apache/zookeeper/server/quorum/QuorumPeerMain.class"));
            zip.closeEntry();
        }
        Map<String, String> properties = Map.of("sun.java.command",
                "org.apache.zookeeper.server.quorum.QuorumPeerMain conf/zoo.cfg",
                "java.class.path", dir.resolve("missing-dir") + java.io.File.pathSeparator + jar);

        DefaultServiceName.Named named = DefaultServiceName.named(properties);

        assertThat(named).isEqualTo(new DefaultServiceName.Named("zookeeper",
                "the jar zookeeper-3.9.4.jar that holds the main class org.apache.zookeeper.server.quorum.QuorumPeerMain"));
    }

    @Test
    void parse_noServiceGiven_namesTheDeclaredNameAndItsSource() {
        AgentConfig config = AgentConfigParser.parse("registry=file:/tmp/x", Map.of("sun.java.command", "com.acme.Main"),
                Map.of(), () -> new dev.beacon.agent.declared.DeclaredApp(java.util.Optional.of(
                        new dev.beacon.agent.declared.DeclaredApp.Declared("Orders", "spring.application.name in x")),
                        new java.util.LinkedHashMap<>(Map.of("http", 8080)), java.util.Optional.empty()));

        assertThat(config.service()).isEqualTo("orders");
        assertThat(config.serviceSource()).isEqualTo("spring.application.name in x");
        assertThat(config.namedPorts()).containsExactly(Map.entry("http", 8080));
    }

    @Test
    void parse_serviceGiven_neverReadsTheDeclaredConfiguration() {
        AgentConfig config = AgentConfigParser.parse("service=orders", Map.of(), Map.of(), () -> {
            throw new AssertionError("read although service= is given");
        });

        assertThat(config.serviceSource()).isEqualTo("service=");
    }

    @Test
    void parse_healthAuto_isAccepted() {
        AgentConfig config = AgentConfigParser.parse("service=orders,health=auto", Map.of(), Map.of(),
                dev.beacon.agent.declared.DeclaredApp::none);

        assertThat(config.health().orElseThrow().isAuto()).isTrue();
    }

    @Test
    void defaultServiceName_nothingKnown_isApp() {
        assertThat(DefaultServiceName.of(Map.of())).isEqualTo("app");
        assertThat(DefaultServiceName.of(Map.of("spring.application.name", " ",
                "sun.java.command", ""))).isEqualTo("app");
    }

    @Test
    void parse_noServiceGiven_usesDefaultServiceName() {
        AgentConfig config = AgentConfigParser.parse(null,
                Map.of("sun.java.command", "com.acme.OrderServiceApp"), Map.of());

        assertThat(config.service()).isEqualTo("order-service-app");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "Orders        | orders",
            "__orders__    | orders__",
            "--            | app",
            "a b/c         | a-b-c",
            "Ünïcode App   | n-code-app"})
    void sanitize_anything_givesValidServiceName(String raw, String expected) {
        assertThat(DefaultServiceName.sanitize(raw)).isEqualTo(expected);
    }

    @Test
    void sanitize_longName_isCutTo63Characters() {
        assertThat(DefaultServiceName.sanitize("a".repeat(100))).hasSize(63);
    }

    // ---- robustness

    /** Whatever the agent arguments, the parser throws IllegalArgumentException or nothing: premain relies on it. */
    @Test
    void parse_randomArguments_throwOnlyIllegalArgumentException() {
        Random random = new Random(20240611L);
        String alphabet = "abcdefghijklmnopqrstuvwxyzABCXYZ0123456789 _-:/@?&%[]!~ë\t====,,,,,.....";
        String[] keys = {"service", "registry", "ttl", "heartbeat", "host", "port", "id", "meta.k", "meta.",
            "exclude-ports", "drain", "health", "health-interval", "log", "enabled", "", "x"};
        String[] prefixes = {"", "", "redis://", "rediss://", "redis-sentinel://", "redis-cluster://", "file:",
            "memory:", "1", "12ms", "orders"};
        int accepted = 0;
        for (int run = 0; run < 5000; run++) {
            StringBuilder args = new StringBuilder();
            int pieces = random.nextInt(5);
            for (int p = 0; p < pieces; p++) {
                if (p > 0) {
                    args.append(',');
                }
                if (random.nextInt(4) > 0) {
                    args.append(keys[random.nextInt(keys.length)]).append('=');
                }
                args.append(prefixes[random.nextInt(prefixes.length)]);
                int length = random.nextInt(12);
                for (int i = 0; i < length; i++) {
                    args.append(alphabet.charAt(random.nextInt(alphabet.length())));
                }
            }
            String text = args.toString();
            Map<String, String> env = random.nextBoolean() ? Map.of() : Map.of("BEACON_META_" + text, text);
            Map<String, String> properties = random.nextBoolean() ? Map.of() : Map.of("sun.java.command", text);
            try {
                AgentConfig config = AgentConfigParser.parse(text, properties, env);
                assertThat(config.service()).as("service of %s", text).matches("[a-z0-9][a-z0-9._-]{0,62}");
                accepted++;
            } catch (IllegalArgumentException expected) {
                assertThat(expected.getMessage()).as("message for %s", text).isNotBlank();
            } catch (RuntimeException | Error e) {
                throw new AssertionError("parse(\"" + text + "\") threw " + e, e);
            }
        }
        // the generator must reach the accepting paths too, or the test says little
        assertThat(accepted).isGreaterThan(100);
    }

    @Test
    void parse_result_isImmutable() {
        AgentConfig config = parse("service=orders,meta.a=1,exclude-ports=5005");

        assertThrows(UnsupportedOperationException.class, () -> config.metadata().put("b", "2"));
        assertThrows(UnsupportedOperationException.class, () -> config.excludePorts().add(1));
    }

    @org.junit.jupiter.api.Test
    void parse_trailingAndDoubledCommas_areIgnored() {
        AgentConfig config = AgentConfigParser.parse("service=orders,,ttl=3s,", java.util.Map.of(), java.util.Map.of());
        assertThat(config.service()).isEqualTo("orders");
        assertThat(config.ttl()).isEqualTo(java.time.Duration.ofSeconds(3));
    }

    @Test
    void parse_portsInterfaceNetwork_namedPortsAndAddressPreferences() {
        AgentConfig config = AgentConfigParser.parse("service=orders,ports=http:8080,admin:9090,interface=eth1,"
                + "network=10.0.0.0/8", Map.of("management.server.port", "9091", "server.port", "8080"), Map.of());
        assertThat(config.namedPorts()).containsExactly(Map.entry("http", 8080), Map.entry("admin", 9090),
                Map.entry("management", 9091));
        assertThat(config.nameOf(9090)).contains("admin");
        assertThat(config.networkInterface()).contains("eth1");
        assertThat(config.network()).contains("10.0.0.0/8");
    }

    @Test
    void parse_springServerPort_namesItHttp() {
        AgentConfig config = AgentConfigParser.parse("service=orders", Map.of("server.port", "8081"), Map.of());
        assertThat(config.namedPorts()).containsExactly(Map.entry("http", 8081));
    }

    @Test
    void parse_badPortsOrNetwork_clearMessages() {
        assertThat(parseFails("service=orders,ports=8080").getMessage()).contains("ports=8080", "name:port");
        assertThat(parseFails("service=orders,ports=http:99999").getMessage()).contains("99999");
        assertThat(parseFails("service=orders,network=10.0.0.0/33").getMessage()).contains("10.0.0.0/33", "0..32");
        assertThat(parseFails("service=orders,network=example.com/8").getMessage()).contains("example.com/8");
        assertThat(parseFails("service=orders,interface=eth 0").getMessage()).contains("interface=eth 0");
    }

}
