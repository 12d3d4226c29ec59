package dev.beacon.balance.internal;

import dev.beacon.ServiceInstance;
import dev.beacon.Status;
import dev.beacon.balance.Endpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

class TrackedEndpointTest {

    private final ServiceInstance instance = ServiceInstance.builder("orders").id("o-1").host("10.0.0.1").port(80)
            .build();

    @Test
    void callFinished_firstSampleTakenAsIs_laterOnesWeighted30Percent() {
        TrackedEndpoint endpoint = TrackedEndpoint.of(instance);
        assertThat(endpoint.latencyNanos()).isZero();

        endpoint.callStarted();
        endpoint.callFinished(1_000);
        endpoint.callStarted();
        endpoint.callFinished(2_000);

        assertThat(endpoint.latencyNanos()).isCloseTo(1_000 + 0.3 * 1_000, offset(1e-9));
        assertThat(endpoint.inFlight()).isZero();
    }

    @Test
    void withWeightAndWithInstance_shareTheStatistics() {
        TrackedEndpoint endpoint = TrackedEndpoint.of(instance);
        TrackedEndpoint heavier = endpoint.withWeight(3);
        TrackedEndpoint down = heavier.withInstance(instance.withStatus(Status.DOWN));

        endpoint.callStarted();

        assertThat(heavier.inFlight()).isEqualTo(1);
        assertThat(down.inFlight()).isEqualTo(1);
        assertThat(down.weight()).isEqualTo(3.0);
        assertThat(endpoint.withWeight(1)).isSameAs(endpoint);
        assertThat(endpoint.withInstance(instance)).isSameAs(endpoint);
    }

    @ParameterizedTest
    @ValueSource(doubles = {0, -1, Double.NaN, Double.POSITIVE_INFINITY})
    void endpointOf_badWeight_throwsNamingIt(double weight) {
        assertThatThrownBy(() -> Endpoint.of(instance, weight))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("weight must be positive and finite, but was " + weight);
    }

    @Test
    void endpointOf_statisticsStayZero() {
        Endpoint endpoint = Endpoint.of(instance, 2.5);

        assertThat(endpoint.instance()).isSameAs(instance);
        assertThat(endpoint.weight()).isEqualTo(2.5);
        assertThat(endpoint.inFlight()).isZero();
        assertThat(endpoint.latencyNanos()).isZero();
    }
}
