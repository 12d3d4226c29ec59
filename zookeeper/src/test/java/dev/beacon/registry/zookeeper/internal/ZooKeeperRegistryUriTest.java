package dev.beacon.registry.zookeeper.internal;

import dev.beacon.registry.Registries;
import dev.beacon.registry.spi.RegistryUriParts.Address;
import dev.beacon.registry.zookeeper.internal.ZooKeeperRegistryUri.PayloadStyle;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ZooKeeperRegistryUriTest {

    @Test
    void parse_ensembleWithCredentialsPathAndOptions_readsEveryPart() {
        ZooKeeperRegistryUri uri = ZooKeeperRegistryUri.parse("zookeeper://app:s3cr@t@zk1:2181,zk2,[::1]:2182/a/b"
                + "?session-timeout=6s&connect-timeout=500ms&payload=spring-cloud");

        assertThat(uri.addresses()).containsExactly(new Address("zk1", 2181), new Address("zk2", 2181),
                new Address("::1", 2182));
        assertThat(uri.connectString()).isEqualTo("zk1:2181,zk2:2181,[::1]:2182");
        assertThat(uri.user()).contains("app");
        assertThat(uri.password()).contains("s3cr@t");
        assertThat(uri.basePath()).isEqualTo("/a/b");
        assertThat(uri.sessionTimeout()).contains(Duration.ofSeconds(6));
        assertThat(uri.connectTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(uri.payload()).isEqualTo(PayloadStyle.SPRING_CLOUD);
        assertThat(uri.toString()).doesNotContain("s3cr").contains("app:****@");
    }

    @Test
    void parse_noPathNoOptions_defaults() {
        ZooKeeperRegistryUri uri = ZooKeeperRegistryUri.parse("zookeeper://127.0.0.1");

        assertThat(uri.basePath()).isEqualTo("/services");
        assertThat(uri.sessionTimeout()).isEqualTo(Optional.empty());
        assertThat(uri.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(uri.payload()).isEqualTo(PayloadStyle.MAP);
        assertThat(new ZooKeeperRegistryProvider().hosts("zookeeper://h1:1,h2:2/x")).isEqualTo(List.of("h1", "h2"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "zookeeper://u:pw-9@h:0/x|port must be a number 1..65535, but was '0'",
            "zookeeper://u:pw-9@h1,,h2/x|expected host[:port] between the commas",
            "zookeeper://u:pw-9@h/a/../b|base path segments must match",
            "zookeeper://u:pw-9@h/zookeeper/quota|must not be under /zookeeper",
            "zookeeper://u:pw-9@h/x?color=red|unknown option 'color'",
            "zookeeper://u:pw-9@h/x?payload=gson|payload must be map or spring-cloud, but was 'gson'",
            "zookeeper://u:pw-9@h/x?session-timeout=10ms|session-timeout must be between 100ms and 1h",
            "zookeeper://pw-9@h/x|credentials must be user:password",
            "zk://u:pw-9@h/x|unknown registry"})
    void parse_badUri_oneMessageNamingTheValueWithoutThePassword(String bad, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Registries.checkUri(bad));

        assertThat(e.getMessage()).contains(expected).doesNotContain("pw-9");
    }
}
