package dev.beacon.registry.eureka;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The test support's own promise: a server answers when returned, and {@link EurekaServers#stopAll} ends its JVM. */
class EurekaServersIT {

    @Test
    void stopAll_startedServer_answersUntilThenItsJvmHasExited() throws Exception {
        EurekaServers servers = new EurekaServers();
        EurekaTestServer server = servers.start(Map.of());
        try {
            assertThat(server.get("/eureka/apps").statusCode()).isEqualTo(200);

            servers.stopAll();

            assertThat(server.process().waitFor(10, TimeUnit.SECONDS)).as("exited").isTrue();
            servers.stopAll(); // nothing left: harmless
        } finally {
            server.close(); // should stopAll fail to
        }
    }
}
