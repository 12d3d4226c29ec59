package dev.beacon.agent.detect;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.util.Collections;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class AdvertisedAddressTest {

    @Test
    void choose_forcedHost_winsOverBoundAddress() throws Exception {
        AdvertisedAddress.Choice choice = AdvertisedAddress.choose("orders.internal", InetAddress.getByName("10.1.2.3"));

        assertThat(choice.host()).isEqualTo("orders.internal");
        assertThat(choice.reason()).contains("host=");
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "10.1.2.3", "192.168.7.9"})
    void choose_specificBoundAddress_isUsed(String bound) throws Exception {
        AdvertisedAddress.Choice choice = AdvertisedAddress.choose(null, InetAddress.getByName(bound));

        assertThat(choice.host()).isEqualTo(bound);
        assertThat(choice.reason()).contains("bound");
    }

    @Test
    void choose_boundToIpv6WithScope_dropsTheZone() throws Exception {
        InetAddress linkLocal = Inet6Address.getByAddress(null, InetAddress.getByName("fe80::1").getAddress(), 3);

        assertThat(AdvertisedAddress.choose(null, linkLocal).host()).isEqualTo("fe80:0:0:0:0:0:0:1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0", "::"})
    void choose_wildcard_givesAPhysicalNonLoopbackAddressWhenThereIsOne(String wildcard) throws Exception {
        Set<String> physical = new HashSet<>();
        Set<String> physicalIpv4 = new HashSet<>();
        Set<String> physicalSiteLocalIpv4 = new HashSet<>();
        Set<String> container = new HashSet<>();
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            String name = nic.getName();
            if (name.startsWith("docker") || name.startsWith("veth") || name.startsWith("br-")) {
                Collections.list(nic.getInetAddresses()).forEach(a -> container.add(AdvertisedAddress.literal(a)));
                continue;
            }
            if (!nic.isUp() || nic.isLoopback() || nic.isVirtual() || AdvertisedAddress.isContainerBridge(name)) {
                continue;
            }
            for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                if (!address.isLoopbackAddress() && !address.isLinkLocalAddress()) {
                    physical.add(AdvertisedAddress.literal(address));
                    if (address instanceof Inet4Address) {
                        physicalIpv4.add(AdvertisedAddress.literal(address));
                    }
                    if (address instanceof Inet4Address && address.isSiteLocalAddress()) {
                        physicalSiteLocalIpv4.add(AdvertisedAddress.literal(address));
                    }
                }
            }
        }
        container.removeAll(physical);

        AdvertisedAddress.Choice choice = AdvertisedAddress.choose(null, InetAddress.getByName(wildcard));

        if (physical.isEmpty()) {
            assertThat(choice.host()).isEqualTo("127.0.0.1");
        } else {
            assertThat(choice.host()).isIn(physical).isNotIn(container);
            assertThat(InetAddress.getByName(choice.host()).isLoopbackAddress()).isFalse();
            assertThat(choice.reason()).contains("wildcard");
        }
        if (!physicalIpv4.isEmpty()) {
            assertThat(choice.host()).as("an IPv4 address before any IPv6 address").isIn(physicalIpv4);
        }
        if (!physicalSiteLocalIpv4.isEmpty()) {
            assertThat(choice.host()).as("a site-local IPv4 address first").isIn(physicalSiteLocalIpv4);
        }
    }

    @Test
    void choose_nullBound_behavesLikeWildcard() throws Exception {
        assertThat(AdvertisedAddress.choose(null, null).host())
                .isEqualTo(AdvertisedAddress.choose(null, InetAddress.getByName("0.0.0.0")).host());
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker0", "veth3a1f2c9", "br-5e2a1c7d9f00", "virbr0", "cni0", "flannel.1", "cali12ab34",
            "vxlan.calico", "tun0", "tap0", "podman0", "lxcbr0", "DOCKER0"})
    void isContainerBridge_virtualInterfaceName_isTrue(String name) {
        assertThat(AdvertisedAddress.isContainerBridge(name)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"eth0", "ens3", "enp0s31f6", "wlan0", "wlp2s0", "eno1", "bond0", "lo", "em1", "br0"})
    void isContainerBridge_physicalInterfaceName_isFalse(String name) {
        assertThat(AdvertisedAddress.isContainerBridge(name)).isFalse();
    }

    @Test
    void literal_ipv6WithZone_hasNoZone() throws Exception {
        InetAddress scoped = Inet6Address.getByAddress(null, InetAddress.getByName("fe80::abcd").getAddress(), 2);

        assertThat(scoped.getHostAddress()).contains("%");
        assertThat(AdvertisedAddress.literal(scoped)).isEqualTo("fe80:0:0:0:0:0:0:abcd");
    }

    @Test
    void choose_settingsThatMatchNothing_fallBackAndSaySo() throws Exception {
        AdvertisedAddress.Choice choice = AdvertisedAddress.choose(null, InetAddress.getByName("0.0.0.0"),
                "no-such-nic0", Cidr.parse("198.51.100.0/24"));
        AdvertisedAddress.Choice fallback = AdvertisedAddress.choose(null, InetAddress.getByName("0.0.0.0"));

        assertThat(choice.host()).isEqualTo(fallback.host());
        assertThat(choice.missed()).isEqualTo("interface no-such-nic0 has no usable address; "
                + "no interface address is inside 198.51.100.0/24");
        assertThat(choice.reason()).isEqualTo(choice.missed() + "; " + fallback.reason());
        assertThat(fallback.missed()).isEmpty();
    }

    @Test
    void choose_forcedHost_missesNothing() throws Exception {
        assertThat(AdvertisedAddress.choose("h", null, "no-such-nic0", Cidr.parse("198.51.100.0/24")).missed())
                .isEmpty();
    }
}
