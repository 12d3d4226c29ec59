package dev.beacon.registry;

import dev.beacon.ServiceInstance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RegistriesTest {

    @TempDir
    Path tempDir;

    @Test
    void schemes_coreAlone_areFileAndMemory() {
        assertThat(Registries.schemes()).containsExactly("file:", "memory:");
    }

    @ParameterizedTest
    @ValueSource(strings = {"redis://10.0.0.7:6379", "rediss://h:6380", "redis-sentinel://h:26379/mymaster",
            "redis-cluster://h:7000"})
    void open_redisWithoutItsModule_namesTheArtifactToAdd(String uri) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Registries.open(uri));

        assertThat(e.getMessage()).startsWith("registry '" + uri + "' needs the module dev.beacon:beacon-redis on the "
                + "class path").endsWith("available schemes: file:, memory:");
    }

    @ParameterizedTest
    @ValueSource(strings = {"zookeeper://h1:2181,h2:2181/services|beacon-zookeeper",
            "eureka://h:8761/eureka|beacon-eureka"})
    void open_otherRegistryWithoutItsModule_namesTheArtifactToAdd(String uriAndArtifact) {
        String uri = uriAndArtifact.split("\\|")[0];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Registries.open(uri));

        assertThat(e.getMessage()).startsWith("registry '" + uri + "' needs the module dev.beacon:"
                + uriAndArtifact.split("\\|")[1] + " on the class path");
    }

    @Test
    void checkUri_zookeeperWithoutItsModule_masksTheDigestPassword() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Registries.checkUri("zookeeper://ops:hunter2@h1:2181/services"));

        assertThat(e.getMessage()).contains("dev.beacon:beacon-zookeeper").doesNotContain("hunter2");
    }

    @Test
    void checkUri_redisWithoutItsModule_namesTheArtifactAndMasksThePassword() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Registries.checkUri("redis://:hunter2@10.0.0.7:6379"));

        assertThat(e.getMessage()).contains("'redis://:****@10.0.0.7:6379'", "dev.beacon:beacon-redis")
                .doesNotContain("hunter2");
    }

    @Test
    void hosts_localRegistries_areEmpty() {
        assertThat(Registries.hosts("memory:")).isEmpty();
        assertThat(Registries.hosts("file:" + tempDir)).isEmpty();
    }

    @Test
    void open_memory_returnsNewEmptyRegistryEachTime() {
        try (ServiceRegistry first = Registries.open("memory:"); ServiceRegistry second = Registries.open("memory:")) {
            first.register(ServiceInstance.builder("orders").host("10.0.0.5").port(8080).build(),
                    Duration.ofMinutes(1));

            assertThat(first).isInstanceOf(InMemoryServiceRegistry.class);
            assertThat(first.services()).containsExactly("orders");
            assertThat(second.services()).isEmpty();
        }
    }

    @Test
    void open_memoryWithPath_throwsShowingTheValidForm() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Registries.open("memory:orders"));

        assertThat(e.getMessage()).isEqualTo("registry URI 'memory:orders' is not valid: write it 'memory:'");
    }

    @Test
    void open_fileWithPath_usesThatDirectoryWithoutCreatingIt() {
        Path dir = tempDir.resolve("registry");

        try (ServiceRegistry registry = Registries.open("file:" + dir)) {
            assertThat(registry).isInstanceOf(FileServiceRegistry.class);
            assertThat(((FileServiceRegistry) registry).directory()).isEqualTo(dir);
        }
        assertThat(dir).doesNotExist();
    }

    @Test
    void open_fileWithEmptyAuthority_usesThatDirectory() {
        Path dir = tempDir.resolve("registry");

        try (ServiceRegistry registry = Registries.open("file://" + dir)) {
            assertThat(((FileServiceRegistry) registry).directory()).isEqualTo(dir);
        }
    }

    @Test
    void open_fileWithoutPath_usesDefaultDirectory() {
        try (ServiceRegistry registry = Registries.open("file:")) {
            assertThat(((FileServiceRegistry) registry).directory())
                    .isEqualTo(FileServiceRegistry.defaultDirectory().toAbsolutePath());
        }
    }

    @Test
    void open_surroundingSpace_isIgnored() {
        Path dir = tempDir.resolve("registry");

        try (ServiceRegistry registry = Registries.open("  file:" + dir + "  ")) {
            assertThat(((FileServiceRegistry) registry).directory()).isEqualTo(dir);
        }
    }

    @Test
    void open_fileWithHost_throwsNamingUri() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Registries.open("file://server/var/beacon"));

        assertThat(e.getMessage()).isEqualTo("registry URI 'file://server/var/beacon' names a host; "
                + "write file:/some/dir or file:///some/dir");
    }

    @Test
    void open_fileWithQuery_throwsNamingUri() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Registries.open("file:/var/beacon?mode=shared"));

        assertThat(e.getMessage()).isEqualTo("registry URI 'file:/var/beacon?mode=shared' is not a directory path; "
                + "write file:/some/dir");
    }

    @Test
    void open_unknownScheme_throwsNamingUriAndSupportedSchemes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Registries.open("zk://zoo-1:2181/beacon"));

        assertThat(e.getMessage()).isEqualTo("unknown registry 'zk://zoo-1:2181/beacon': scheme 'zk' is not supported; "
                + "supported schemes: file:, memory:");
    }

    @Test
    void open_unknownSchemeWithPassword_masksPassword() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Registries.open("zk://admin:hunter2@zoo-1:2181"));

        assertThat(e.getMessage()).contains("'zk://admin:****@zoo-1:2181'").doesNotContain("hunter2");
    }

    @Test
    void open_noScheme_throwsNamingUriAndSupportedSchemes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Registries.open("/var/beacon"));

        assertThat(e.getMessage()).contains("'/var/beacon'", "supported schemes: file:, memory:");
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "   "})
    void open_emptyUri_throwsListingSupportedSchemes(String uri) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Registries.open(uri));

        assertThat(e.getMessage())
                .isEqualTo("registry URI must not be empty; supported schemes: file:, memory:");
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory:", "file:", "file:/var/beacon", "FILE:/var/beacon"})
    void checkUri_supportedScheme_returnsUri(String uri) {
        assertThat(Registries.checkUri(uri)).isEqualTo(uri);
    }

    @Test
    void checkUri_unknownScheme_throwsNamingUriWithMaskedPassword() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Registries.checkUri("consul://ops:t0ps3cret@consul:8500"));

        assertThat(e.getMessage())
                .isEqualTo("unknown registry 'consul://ops:****@consul:8500': expected one of file:, memory:");
    }
}
