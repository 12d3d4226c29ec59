package dev.beacon.server.internal;

import com.sun.net.httpserver.Headers;
import dev.beacon.balance.LoadBalancer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ServerSettingsTest {

    private static ServerSettings settings(int threads, Map<String, Supplier<LoadBalancer>> strategies) {
        return new ServerSettings(0, " 127.0.0.1 ", Optional.empty(), ServerSettings.DEFAULT_MAX_BODY_BYTES,
                threads, ServerSettings.DEFAULT_READ_TIMEOUT, ServerSettings.DEFAULT_WRITE_TIMEOUT,
                ServerSettings.DEFAULT_MAX_EVENT_STREAMS, ServerSettings.DEFAULT_KEEP_ALIVE_INTERVAL,
                ServerSettings.DEFAULT_SERVICE_SCAN_INTERVAL, strategies, Optional.empty(), Optional.empty(), false);
    }

    @Test
    void constructor_checksEveryValue_notOnlyTheBuildersSetters() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> settings(0, ServerSettings.builtInStrategies()));
        assertThat(e).hasMessage("threads must be 1..256, but was 0");
        e = assertThrows(IllegalArgumentException.class,
                () -> settings(4, Map.of("Bad Name", () -> LoadBalancer.named("random"))));
        assertThat(e).hasMessage("strategy name must match [a-z0-9][a-z0-9-]{0,31}, but was 'Bad Name'");
    }

    @Test
    void constructor_trimsTheBindAddress_andCopiesTheStrategies() {
        Map<String, Supplier<LoadBalancer>> strategies = new HashMap<>(ServerSettings.builtInStrategies());
        ServerSettings settings = settings(4, strategies);
        strategies.clear();

        assertThat(settings.bind()).isEqualTo("127.0.0.1");
        assertThat(settings.strategies()).containsKeys(LoadBalancer.NAMES.toArray(String[]::new))
                .containsKey(InstancePicker.DEFAULT_STRATEGY);
        assertThrows(UnsupportedOperationException.class, () -> settings.strategies().clear());
    }

    @Test
    void durationBounds_nameTheSettingAndTheRange() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ServerSettings.checkKeepAliveInterval(Duration.ofMinutes(6)));
        assertThat(e).hasMessage("keep-alive interval must be between 10ms and 5m, but was PT6M");
    }

    @Test
    void bearerToken_isNeverShown_andChecksTheHeader() {
        BearerToken token = BearerToken.of("s3cret-token");
        assertThat(token.toString()).doesNotContain("s3cret");
        assertThat(assertThrows(IllegalArgumentException.class, () -> BearerToken.of("two words")))
                .hasMessageNotContaining("two words");

        Headers right = new Headers();
        right.add("Authorization", "bearer s3cret-token");
        token.check(right);
        Headers wrong = new Headers();
        wrong.add("Authorization", "Bearer s3cret-tokeN");
        HttpError error = assertThrows(HttpError.class, () -> token.check(wrong));
        assertThat(error.status()).isEqualTo(401);
        assertThat(error).hasMessage("wrong token");
        assertThat(error.headers()).containsEntry("WWW-Authenticate", "Bearer realm=\"beacon\"");
    }

    @Test
    void indexPage_keepsItsOwnCopy() {
        byte[] content = {1, 2, 3};
        IndexPage page = new IndexPage("text/html", content);
        content[0] = 9;
        page.content()[1] = 9;

        assertThat(page.content()).containsExactly(1, 2, 3);
        assertThat(assertThrows(IllegalArgumentException.class, () -> new IndexPage("text/\nhtml", content)))
                .hasMessage("content type must be 1..200 visible ASCII characters, but was 'text/\\x0ahtml'");
    }
}
