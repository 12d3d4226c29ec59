package dev.beacon.server.internal;

import dev.beacon.ServiceInstance;
import dev.beacon.Status;
import dev.beacon.registry.RegistryEvent;
import org.junit.jupiter.api.Test;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class MetricsTest {

    private final Metrics metrics = new Metrics();

    @Test
    void observe_histogramIsCumulative_withSumAndCount() {
        metrics.observe("GET", "/health", "200", 500_000);      // 0.5 ms
        metrics.observe("GET", "/health", "200", 20_000_000);   // 20 ms
        metrics.observe("GET", "/health", "503", 20_000_000_000L); // 20 s: only +Inf

        String text = metrics.render(Map.of(), Map.of(), 0, 0, 0);

        String labels = "method=\"GET\",route=\"/health\"";
        assertThat(text)
                .contains("beacon_http_request_duration_seconds_bucket{" + labels + ",le=\"0.001\"} 1\n")
                .contains("beacon_http_request_duration_seconds_bucket{" + labels + ",le=\"0.025\"} 2\n")
                .contains("beacon_http_request_duration_seconds_bucket{" + labels + ",le=\"10\"} 2\n")
                .contains("beacon_http_request_duration_seconds_bucket{" + labels + ",le=\"+Inf\"} 3\n")
                .contains("beacon_http_request_duration_seconds_count{" + labels + "} 3\n")
                .contains("beacon_http_requests_total{" + labels + ",code=\"200\"} 2\n")
                .contains("beacon_http_requests_total{" + labels + ",code=\"503\"} 1\n");
    }

    @Test
    void observe_unknownMethod_isLabelledOther() {
        metrics.observe("FROB\"", "unmatched", "405", 1);

        assertThat(metrics.render(Map.of(), Map.of(), 0, 0, 0))
                .contains("method=\"other\",route=\"unmatched\",code=\"405\"").doesNotContain("FROB");
    }

    @Test
    void render_instancesPerStatus_withZeros_andEventCounters() {
        ServiceInstance up = ServiceInstance.builder("orders").id("a").host("h").port(1).build();
        EnumMap<RegistryEvent.Type, Long> counts = new EnumMap<>(RegistryEvent.Type.class);
        counts.put(RegistryEvent.Type.REGISTERED, 3L);
        counts.put(RegistryEvent.Type.EXPIRED, 1L);

        String text = metrics.render(Map.of("orders", List.of(up, up.withStatus(Status.DRAINING))),
                Map.of("orders", counts), 1, 2, 7);

        assertThat(text)
                .contains("beacon_instances{service=\"orders\",status=\"UP\"} 1\n")
                .contains("beacon_instances{service=\"orders\",status=\"DRAINING\"} 1\n")
                .contains("beacon_instances{service=\"orders\",status=\"DOWN\"} 0\n")
                .contains("beacon_registrations_total{service=\"orders\"} 3\n")
                .contains("beacon_expirations_total{service=\"orders\"} 1\n")
                .contains("beacon_deregistrations_total{service=\"orders\"} 0\n")
                .contains("beacon_http_event_streams 2\n")
                .contains("beacon_http_rejected_connections_total 7\n");
    }

    @Test
    void escape_labelValues() {
        assertThat(Metrics.escape("a\\b\"c\nd")).isEqualTo("a\\\\b\\\"c\\nd");
    }
}
