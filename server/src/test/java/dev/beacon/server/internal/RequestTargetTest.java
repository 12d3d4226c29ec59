package dev.beacon.server.internal;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RequestTargetTest {

    @Test
    void parse_root_hasNoSegments() {
        assertThat(RequestTarget.parse("/", null).segments()).isEmpty();
    }

    @Test
    void parse_trailingSlash_isIgnoredOnce() {
        assertThat(RequestTarget.parse("/services/orders/", null).segments()).containsExactly("services", "orders");
    }

    @Test
    void parse_percentEscapes_decodeAsUtf8_plusStaysInPaths() {
        RequestTarget target = RequestTarget.parse("/services/caf%C3%A9/a+b%2Fc", "zone=eu+1&meta.k=%E2%82%AC");

        assertThat(target.segments()).containsExactly("services", "café", "a+b/c");
        assertThat(target.single("zone")).isEqualTo("eu 1");
        assertThat(target.single("meta.k")).isEqualTo("€");
    }

    @Test
    void parse_badEscape_is400NamingThePosition() {
        HttpError error = assertThrows(HttpError.class, () -> RequestTarget.parse("/services/ab%4", null));

        assertThat(error.status()).isEqualTo(400);
        assertThat(error).hasMessage("bad percent-encoding in path 'ab%4' at position 2: '%' must be followed by two "
                + "hex digits");
        assertThat(assertThrows(HttpError.class, () -> RequestTarget.parse("/a", "x=%g1")))
                .hasMessageContaining("query parameter 'x'");
    }

    @Test
    void parse_invalidUtf8_is400() {
        HttpError error = assertThrows(HttpError.class, () -> RequestTarget.parse("/services/%C3%28", null));

        assertThat(error).hasMessage("path '%C3%28' does not decode to valid UTF-8");
    }

    @Test
    void parse_rawNonAsciiOrControl_is400() {
        assertThat(assertThrows(HttpError.class, () -> RequestTarget.parse("/services/\u00e9", null)))
                .hasMessageContaining("not printable ASCII; percent-encode it as UTF-8");
        assertThat(assertThrows(HttpError.class, () -> RequestTarget.parse("/a", "k=\u0001")))
                .hasMessage("query parameter 'k' '\\x01' holds a character that is not printable ASCII; "
                        + "percent-encode it as UTF-8");
    }

    @Test
    void parse_emptyOrTooManySegments_is404() {
        assertThat(assertThrows(HttpError.class, () -> RequestTarget.parse("/services//x", null)).status())
                .isEqualTo(404);
        assertThat(assertThrows(HttpError.class, () -> RequestTarget.parse("/a/b/c/d/e/f/g/h/i", null)).status())
                .isEqualTo(404);
    }

    @Test
    void parse_notAnAbsolutePath_is400() {
        assertThat(assertThrows(HttpError.class, () -> RequestTarget.parse("services", null)))
                .hasMessageContaining("must be an absolute path");
        assertThat(assertThrows(HttpError.class, () -> RequestTarget.parse(null, null)).status()).isEqualTo(400);
    }

    @Test
    void parse_query_repeatedValuesInOrder_emptyPiecesIgnored_bareNameIsEmpty() {
        RequestTarget target = RequestTarget.parse("/s", "a=1&&a=2&flag&b=");

        assertThat(target.query().get("a")).containsExactly("1", "2");
        assertThat(target.single("flag")).isEmpty();
        assertThat(target.single("b")).isEmpty();
        assertThat(target.single("missing")).isNull();
    }

    @Test
    void parse_tooManyParametersOrEmptyName_is400() {
        assertThat(assertThrows(HttpError.class, () -> RequestTarget.parse("/s", "a=1&".repeat(33))))
                .hasMessage("at most 32 query parameters are accepted");
        assertThat(assertThrows(HttpError.class, () -> RequestTarget.parse("/s", "=1")))
                .hasMessage("empty query parameter name in '=1'");
    }

    @Test
    void single_repeated_is400() {
        RequestTarget target = RequestTarget.parse("/s", "zone=a&zone=b");

        assertThat(assertThrows(HttpError.class, () -> target.single("zone")))
                .hasMessage("query parameter 'zone' may be given once, but was given 2 times");
    }

    @Test
    void allowOnly_unknownName_listsTheValidOnes() {
        RequestTarget target = RequestTarget.parse("/s", "zone=a&meta.v=1&colour=red");

        assertThat(assertThrows(HttpError.class, () -> target.allowOnly(Set.of("zone", "status"), "meta.")))
                .hasMessage("unknown query parameter 'colour'; valid: status, zone, meta.<key>");
        assertThat(assertThrows(HttpError.class, () -> target.allowOnly(Set.of(), null)))
                .hasMessage("unknown query parameter 'zone'; this route takes none");
        RequestTarget.parse("/s", "zone=a&meta.v=1").allowOnly(Set.of("zone"), "meta.");
    }

    @Test
    void route_match_byShape() {
        assertThat(Route.match(List.of())).isEqualTo(Route.INDEX);
        assertThat(Route.match(List.of("health"))).isEqualTo(Route.HEALTH);
        assertThat(Route.match(List.of("services", "x"))).isEqualTo(Route.SERVICE);
        assertThat(Route.match(List.of("services", "x", "instance"))).isEqualTo(Route.PICK);
        assertThat(Route.match(List.of("services", "x", "events"))).isEqualTo(Route.SERVICE_EVENTS);
        assertThat(Route.match(List.of("services", "x", "instances", "y"))).isEqualTo(Route.INSTANCE);
        assertThat(Route.match(List.of("services", "x", "instances", "y", "heartbeat"))).isEqualTo(Route.HEARTBEAT);
        assertThat(Route.match(List.of("services", "x", "instances"))).isEqualTo(Route.UNMATCHED);
        assertThat(Route.match(List.of("services", "x", "instances", "y", "beat"))).isEqualTo(Route.UNMATCHED);
        assertThat(Route.match(List.of("other", "x"))).isEqualTo(Route.UNMATCHED);
    }
}
