package dev.beacon.agent.it;

import dev.beacon.agent.logging.AgentLines;
import dev.beacon.ServiceInstance;
import dev.beacon.registry.FileServiceRegistry;
import dev.beacon.testing.JavaProcess;
import dev.beacon.testing.Jdks;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * The advertised address end to end on a host with several network cards: a Linux network namespace that looks like
 * a container host ({@code eth-a} 10.77.1.2/24 and {@code eth-b} 192.168.77.2/24, each a veth with its peer up, plus
 * the Docker bridges {@code docker0} 172.17.0.1/16 and {@code br-1a2b3c} 172.18.0.1/16, each with a veth port so
 * they are up and running like a bridge with a container attached), and smaller ones where the ranks decide: a public
 * card beside docker0, a site-local card beside a public one, an IPv6-only card beside docker0, loopback only. The
 * sample app runs there with the real agent jar, through {@code ip netns exec}; the file registry in a temporary
 * directory is read from outside. Needs root and {@code ip netns}: skipped otherwise, failed instead when
 * {@code -Dbeacon.netns.required=true} (CI).
 */
class NetworkNamespaceIT {

    private static final Path AGENT_JAR = AgentIT.AGENT_JAR;
    private static final Path SAMPLE_JAR = AgentIT.SAMPLE_JAR;
    private static final String RANKED = "first site-local IPv4 address of a physical interface (wildcard bind)";
    private static final Set<String> BRIDGE_ADDRESSES = Set.of("172.17.0.1", "172.18.0.1");
    private static final Set<String> CARD_ADDRESSES = Set.of("10.77.1.2", "192.168.77.2");

    /** The namespaces by suffix, in creation order; {@code host} is the multi-NIC one. */
    private static final Map<String, Netns> NAMESPACES = new LinkedHashMap<>();
    private static Netns host;
    private static Throwable setupFailure;

    @TempDir
    Path temp;

    /**
     * Builds the namespaces before the first test. Here rather than in {@code @BeforeAll}: an abort there is reported
     * as zero tests run, while from here every test shows up as skipped, with the reason.
     */
    @BeforeEach
    void createNamespaces() throws InterruptedException {
        if (setupFailure instanceof Error error) {
            throw error;
        }
        if (setupFailure != null) {
            throw (RuntimeException) setupFailure;
        }
        if (host == null) {
            try {
                host = namespace("host");
                // A Docker user network's bridge first and docker0 last: whichever way a JDK orders the interfaces,
                // a bridge's site-local address comes before a card's, so a rule that did not skip bridges would
                // pick it.
                bridge(host, "br-1a2b3c", "172.18.0.1/16", "vethb");
                card(host, "eth-a", "10.77.1.2/24");
                card(host, "eth-b", "192.168.77.2/24");
                bridge(host, "docker0", "172.17.0.1/16", "vethd");
                // Whatever the order, the ranks alone decide in these: a bridge's site-local address would outrank a
                // public one and any IPv6 one, and a card's site-local address outranks its other card's public one.
                Netns publicCard = namespace("public");
                bridge(publicCard, "docker0", "172.17.0.1/16", "vethd");
                card(publicCard, "eth0", "203.0.113.10/24");
                Netns twoCards = namespace("mixed");
                card(twoCards, "eth0", "10.1.0.5/24");
                card(twoCards, "eth1", "203.0.113.10/24");
                Netns ipv6Card = namespace("ipv6");
                bridge(ipv6Card, "docker0", "172.17.0.1/16", "vethd");
                card(ipv6Card, "eth0", "2001:db8::10/64", "nodad");
                namespace("none");
            } catch (RuntimeException | Error e) {
                setupFailure = e;
                throw e;
            }
        }
    }

    private static Netns namespace(String suffix) {
        Netns netns = Netns.create(suffix);
        NAMESPACES.put(suffix, netns);
        return netns;
    }

    /** A card: a veth whose peer, in the same namespace, is up, so that it has a carrier. */
    private static void card(Netns netns, String name, String cidr, String... addressFlags)
            throws InterruptedException {
        String peer = "veth-" + name.substring(name.length() - 1);
        List<String> address = new ArrayList<>(List.of("addr", "add", cidr, "dev", name));
        address.addAll(List.of(addressFlags));
        netns.ip("link", "add", name, "type", "veth", "peer", "name", peer)
                .ip(address.toArray(String[]::new))
                .ip("link", "set", peer, "up")
                .ip("link", "set", name, "up")
                .awaitCarrier(name);
    }

    /** A bridge with one veth port (like Docker's with a container attached): only then is it up and running. */
    private static void bridge(Netns netns, String name, String cidr, String port) throws InterruptedException {
        netns.ip("link", "add", name, "type", "bridge")
                .ip("addr", "add", cidr, "dev", name)
                .ip("link", "add", port + "0", "type", "veth", "peer", "name", port + "1")
                .ip("link", "set", port + "0", "master", name)
                .ip("link", "set", port + "0", "up")
                .ip("link", "set", port + "1", "up")
                .ip("link", "set", name, "up")
                .awaitCarrier(name);
    }

    @AfterAll
    static void deleteNamespaces() {
        RuntimeException first = null;
        for (Netns netns : NAMESPACES.values()) {
            try {
                netns.close();
            } catch (RuntimeException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }

    static Stream<Path> jdks() {
        return Jdks.all();
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void defaultRule_multiNicHost_firstCardAddressInJvmOrderNotTheBridge(Path java) throws Exception {
        List<String> order = interfaceOrder(java);
        String expected = firstOf(order, CARD_ADDRESSES);
        int bridgeAt = indexOfFirst(order, BRIDGE_ADDRESSES);
        assertThat(bridgeAt).as("this JVM lists a bridge address before the first card's, so a rule that did not skip"
                + " bridges would be caught; order: " + order).isLessThan(order.indexOf(expected));

        Advertised advertised = runSample(host, java, "");
        assertThat(advertised.host()).as(advertised.log()).isEqualTo(expected);
        assertThat(advertised.reason()).as(advertised.log()).isEqualTo(RANKED);
        assertThat(advertised.warnings()).as(advertised.log()).isEmpty();
    }

    static Stream<Arguments> settings() {
        return Stream.of(
                arguments("interface=eth-b", "192.168.77.2", "interface=eth-b"),
                arguments("interface=eth-a", "10.77.1.2", "interface=eth-a"),
                arguments("network=10.0.0.0/8", "10.77.1.2", "network=10.0.0.0/8"),
                arguments("network=192.168.0.0/16", "192.168.77.2", "network=192.168.0.0/16"),
                // asked for explicitly, a bridge's address is advertised
                arguments("network=172.17.0.0/16", "172.17.0.1", "network=172.17.0.0/16"),
                arguments("interface=docker0", "172.17.0.1", "interface=docker0"),
                arguments("host=app.example", "app.example", "host= was given"),
                arguments("host=app.example,interface=eth-a,network=192.168.0.0/16", "app.example", "host= was given"),
                arguments("interface=eth-a,network=192.168.0.0/16", "10.77.1.2", "interface=eth-a"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("settings")
    void setting_multiNicHost_advertisesTheChosenAddressAndSaysWhy(String setting, String host, String reason)
            throws Exception {
        Advertised advertised = runSample(NetworkNamespaceIT.host, Jdks.current(), setting);
        assertThat(advertised.host()).as(advertised.log()).isEqualTo(host);
        assertThat(advertised.reason()).as(advertised.log()).isEqualTo(reason);
        assertThat(advertised.warnings()).as(advertised.log()).isEmpty();
    }

    static Stream<Arguments> misses() {
        return Stream.of(
                arguments("network=10.99.0.0/16", "no interface address is inside 10.99.0.0/16; "),
                arguments("interface=eth9", "interface eth9 has no usable address; "),
                // up, but only a link-local IPv6 address
                arguments("interface=veth-a", "interface veth-a has no usable address; "),
                arguments("interface=eth9,network=10.99.0.0/16",
                        "interface eth9 has no usable address; no interface address is inside 10.99.0.0/16; "));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("misses")
    void settingThatMatchesNothing_multiNicHost_saysSoAndFallsBackToTheDefaultRule(String setting, String missed)
            throws Exception {
        String fallback = firstOf(interfaceOrder(Jdks.current()), CARD_ADDRESSES);
        Advertised advertised = runSample(host, Jdks.current(), setting);
        assertThat(advertised.host()).as(advertised.log()).isEqualTo(fallback);
        assertThat(advertised.reason()).as(advertised.log()).isEqualTo(missed + RANKED);
        // and one warning that names what matched nothing
        assertThat(advertised.warnings()).as(advertised.log()).singleElement().satisfies(warning -> assertThat(warning)
                .isEqualTo(missed.substring(0, missed.length() - 2) + ": advertising "
                        + fallback + " by the default rule instead; check the setting"));
    }

    @Test
    void boundToOneAddress_multiNicHost_advertisesThatAddressOverInterface() throws Exception {
        // eth-a's address while interface= names eth-b: whichever card the default rule prefers, only "bound
        // address first" gives 10.77.1.2
        Advertised advertised = run(host, Jdks.current(), "interface=eth-b",
                List.of("-cp", testClasses(), BoundApp.class.getName(), "10.77.1.2"));
        assertThat(advertised.host()).as(advertised.log()).isEqualTo("10.77.1.2");
        assertThat(advertised.reason()).as(advertised.log()).isEqualTo("the listener is bound to it");
        assertThat(advertised.warnings()).as(advertised.log()).isEmpty();
    }

    static Stream<Arguments> layouts() {
        return Stream.of(
                arguments("public", "203.0.113.10", "first IPv4 address of a physical interface (wildcard bind)"),
                arguments("mixed", "10.1.0.5", RANKED),
                arguments("ipv6", "2001:db8:0:0:0:0:0:10",
                        "first global IPv6 address of a physical interface (wildcard bind)"),
                arguments("none", "127.0.0.1", "no non-loopback interface is up"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("layouts")
    void defaultRule_otherLayouts_advertisesByRank(String namespace, String host, String reason) throws Exception {
        Advertised advertised = runSample(NAMESPACES.get(namespace), Jdks.current(), "");
        assertThat(advertised.host()).as(advertised.log()).isEqualTo(host);
        assertThat(advertised.reason()).as(advertised.log()).isEqualTo(reason);
        assertThat(advertised.warnings()).as(advertised.log()).isEmpty();
    }

    /** What the agent registered, the reason on its INFO line, and its warnings (the messages of its WARN lines). */
    private record Advertised(String host, String reason, List<String> warnings, String log) {
    }

    private Advertised runSample(Netns netns, Path java, String agentArgs) throws Exception {
        return run(netns, java, agentArgs, List.of("-jar", SAMPLE_JAR.toAbsolutePath().toString()));
    }

    private Advertised run(Netns netns, Path java, String agentArgs, List<String> app) throws Exception {
        Path registryDir = temp.resolve("registry");
        List<String> command = new ArrayList<>(List.of(java.toString(), "-javaagent:" + AGENT_JAR.toAbsolutePath()
                + "=service=orders,registry=file:" + registryDir + (agentArgs.isEmpty() ? "" : "," + agentArgs)));
        command.addAll(app);
        List<String> inside = netns.exec(command);
        try (JavaProcess process = JavaProcess.start(Path.of(inside.get(0)), inside.subList(1, inside.size()));
             FileServiceRegistry registry = new FileServiceRegistry(registryDir)) {
            int port = Integer.parseInt(process.awaitOut("listening on (\\d+)", Duration.ofSeconds(30)));
            ServiceInstance instance = awaitInstance(registry, port, process);
            String line = awaitAdvertisingLine(process);
            assertThat(line).as(process.describe()).startsWith("advertising " + instance.host() + ": ");
            assertThat(AgentLines.messages(process.stderr(), "INFO")).as("one line says the address\n"
                    + process.describe()).filteredOn(m -> m.startsWith("advertising ")).hasSize(1);
            assertThat(process.stderr()).as("no error\n" + process.describe())
                    .noneMatch(l -> l.contains("ERROR") || l.contains("Exception"));
            List<String> warnings = AgentLines.messages(process.stderr(), "WARN");
            return new Advertised(instance.host(), line.substring(line.indexOf(": ") + 2), warnings,
                    process.describe());
        }
    }

    private static ServiceInstance awaitInstance(FileServiceRegistry registry, int port, JavaProcess process)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < deadline) {
            for (ServiceInstance instance : registry.instances("orders")) {
                if (instance.port() == port) {
                    return instance;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("port " + port + " not registered within 15 s\n" + process.describe());
    }

    private static String awaitAdvertisingLine(JavaProcess process) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < deadline) {
            for (String message : AgentLines.messages(process.stderr(), "INFO")) {
                if (message.startsWith("advertising ")) {
                    return message;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no '[beacon] <time> INFO advertising' line within 5 s\n" + process.describe());
    }

    /** The up interfaces' addresses, in the order {@code java} enumerates them inside the host namespace. */
    private static List<String> interfaceOrder(Path java) throws Exception {
        List<String> inside = host.exec(List.of(java.toString(), "-cp", testClasses(),
                InterfaceOrder.class.getName()));
        JavaProcess.Result result = JavaProcess.run(Path.of(inside.get(0)), inside.subList(1, inside.size()),
                Duration.ofSeconds(30));
        assertThat(result.exitCode()).as(result.err()).isZero();
        List<String> addresses = new ArrayList<>();
        for (String line : result.out().split("\n")) {
            addresses.add(line.substring(line.indexOf(' ') + 1));
        }
        return addresses;
    }

    private static String firstOf(List<String> order, Set<String> wanted) {
        return order.get(indexOfFirst(order, wanted));
    }

    private static int indexOfFirst(List<String> order, Set<String> wanted) {
        for (int i = 0; i < order.size(); i++) {
            if (wanted.contains(order.get(i))) {
                return i;
            }
        }
        throw new AssertionError("none of " + wanted + " is up in the namespace: " + order);
    }

    private static String testClasses() {
        return Path.of("target/test-classes").toAbsolutePath().toString();
    }
}
