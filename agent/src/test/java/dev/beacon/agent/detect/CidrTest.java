package dev.beacon.agent.detect;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CidrTest {

    @ParameterizedTest
    @CsvSource({"10.0.0.0/8, 10.0.0.0, 8", "192.168.1.7, 192.168.1.7, 32", "0.0.0.0/0, 0.0.0.0, 0",
            "fd00::/8, fd00::, 8", "::1, ::1, 128", "2001:db8::/32, 2001:db8::, 32"})
    void parse_literal_givesBaseAndPrefix(String text, String base, int prefix) throws Exception {
        Cidr cidr = Cidr.parse(text);

        assertThat(cidr.base()).isEqualTo(InetAddress.getByName(base));
        assertThat(cidr.prefix()).isEqualTo(prefix);
    }

    /** Regression: hex words and short or out-of-range IPv4 forms were handed to InetAddress, which looks names up. */
    @ParameterizedTest
    @ValueSource(strings = {"dead/8", "beef", "cafe.babe/16", "1.2/8", "10.0.0/8", "999.0.0.1/8", "256.1.1.1",
            "1.2.3.4.5/8", "", "/8", "eth0", "10.0.0.0 /8", "fd00:::x/8"})
    void parse_notALiteral_isRefusedWithoutLookingItUp(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Cidr.parse(text));

        assertThat(e.getMessage()).isEqualTo("'" + text + "' is not a CIDR block like 10.0.0.0/8");
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/x", "fd00::/129"})
    void parse_badPrefix_isRefusedNamingTheRange(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Cidr.parse(text));

        assertThat(e.getMessage()).startsWith("'" + text + "' has a bad prefix length; use 0..");
    }

    @Test
    void contains_addressInsideAndOutside() throws Exception {
        Cidr cidr = Cidr.parse("10.1.0.0/16");

        assertThat(cidr.contains(InetAddress.getByName("10.1.200.3"))).isTrue();
        assertThat(cidr.contains(InetAddress.getByName("10.2.0.1"))).isFalse();
        assertThat(cidr.contains(InetAddress.getByName("::1"))).isFalse();
    }
}
