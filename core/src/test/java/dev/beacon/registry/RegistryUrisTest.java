package dev.beacon.registry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class RegistryUrisTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "redis://beacon:s3cret@redis.local:6379/0 | redis://beacon:****@redis.local:6379/0",
            "rediss://:s3cret@redis.local:6380        | rediss://:****@redis.local:6380",
            "redis://s3cret@redis.local               | redis://****@redis.local",
            "redis://beacon:@redis.local              | redis://beacon:****@redis.local"})
    void mask_passwordInUserInfo_isReplaced(String uri, String expected) {
        assertThat(RegistryUris.mask(uri)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "redis://host:6379?password=s3cret&db=2          | redis://host:6379?password=****&db=2",
            "redis://host?db=2&PASSWORD=s3cret               | redis://host?db=2&PASSWORD=****",
            "redis://host?token=abc.def                      | redis://host?token=****",
            "redis://host?truststore-password=s3cret&ssl=1   | redis://host?truststore-password=****&ssl=1",
            "redis://host?secret=s3cret&pwd=s3cret           | redis://host?secret=****&pwd=****"})
    void mask_secretQueryParameter_isReplaced(String uri, String expected) {
        assertThat(RegistryUris.mask(uri)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory:", "file:", "file:/var/run/beacon", "redis://redis.local:6379/0",
            "redis://redis.local?db=2&timeout=2s"})
    void mask_noSecret_returnsUriUnchanged(String uri) {
        assertThat(RegistryUris.mask(uri)).isEqualTo(uri);
    }

    @Test
    void mask_null_returnsNullText() {
        assertThat(RegistryUris.mask(null)).isEqualTo("null");
    }

    /** Regression: the user info ended at the first '@' or '/', so the rest of such a password was shown. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "redis://beacon:p@ss@redis.local:6379     | redis://beacon:****@redis.local:6379",
            "redis://:ab/cd+ef==@redis.local:6379/0   | redis://:****@redis.local:6379/0"})
    void mask_passwordWithReservedCharacters_isReplacedWhole(String uri, String expected) {
        assertThat(RegistryUris.mask(uri)).isEqualTo(expected).doesNotContain("ss@", "cd+ef");
    }

    /** Regression (found by RegistryUriPropertyTest): a URI with an empty or spaced scheme showed its password. */
    @ParameterizedTest
    @ValueSource(strings = {"://:s3cret@redis.local:6379", " redis://u:s3cret@h:6379", "redis ://u:s3cret@h:6379",
            "re dis://s3cret@h"})
    void mask_oddScheme_passwordStillReplaced(String uri) {
        assertThat(RegistryUris.mask(uri)).doesNotContain("s3cret").isEqualTo(uri.replace("s3cret", "****"));
    }

    /** Regression (found by AgentConfigParserPropertyTest): with an '@' after the host, the password showed as a user. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "redis://s3cret@h:6379,@           | redis://****@",
            "redis://s3cret@h:6379/0?x=1@y     | redis://****@h:6379/0?x=1@y",
            "redis://u@x:s3cret@h:6379,@        | redis://****@"})
    void mask_atSignsAfterThePassword_userInfoMaskedWhole(String uri, String expected) {
        assertThat(RegistryUris.mask(uri)).isEqualTo(expected);
    }

    @Test
    void mask_atSignOnlyInQuery_isNotTakenForUserInfo() {
        String uri = "redis://redis.local:6379?client=app@host";

        assertThat(RegistryUris.mask(uri)).isEqualTo(uri);
    }
}
