package dev.beacon.server.internal;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RequestHeadTest {

    @Test
    void isLoopbackHost_localhostAndLoopbackLiterals_neverResolvesNames() {
        assertThat(RequestHead.isLoopbackHost("localhost:8500")).isTrue();
        assertThat(RequestHead.isLoopbackHost("LOCALHOST")).isTrue();
        assertThat(RequestHead.isLoopbackHost("127.0.0.1:8500")).isTrue();
        assertThat(RequestHead.isLoopbackHost("127.1.2.3")).isTrue();
        assertThat(RequestHead.isLoopbackHost("[::1]:8500")).isTrue();
        assertThat(RequestHead.isLoopbackHost("[0:0:0:0:0:0:0:1]")).isTrue();
        assertThat(RequestHead.isLoopbackHost("10.0.0.1")).isFalse();
        assertThat(RequestHead.isLoopbackHost("[::2]")).isFalse();
        assertThat(RequestHead.isLoopbackHost("[::1")).isFalse();
        assertThat(RequestHead.isLoopbackHost("localhost.evil.example")).isFalse();
        assertThat(RequestHead.isLoopbackHost("127.0.0.1.evil.example")).isFalse();
        assertThat(RequestHead.isLoopbackHost("999.0.0.1")).isFalse();
        assertThat(RequestHead.isLoopbackHost("")).isFalse();
        assertThat(RequestHead.isLoopbackHost("[abc]")).isFalse();
        assertThat(RequestHead.isLoopbackHost("[::ffff:127.0.0.1]")).isTrue(); // IPv4-mapped 127.0.0.1
    }
}
