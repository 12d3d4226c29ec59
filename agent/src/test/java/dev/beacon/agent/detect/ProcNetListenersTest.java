package dev.beacon.agent.detect;

import dev.beacon.testing.Prerequisite;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ProcNetListenersTest {

    private static final String TCP_HEADER = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when "
            + "retrnsmt   uid  timeout inode";
    private static final String TCP6_HEADER = "  sl  local_address                         remote_address          "
            + "              st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode";

    @TempDir
    Path proc;

    /** One row of /proc/net/tcp or tcp6, as the kernel writes it. */
    private static String row(int sl, String local, String remote, String state, String inode) {
        return String.format("%4d: %s %s %s 00000000:00000000 00:00000000 00000000  1000        0 %s 1 "
                + "0000000000000000 100 0 0 10 0", sl, local, remote, state, inode);
    }

    private void writeProc(List<String> tcp, List<String> tcp6, String... fdTargets) throws IOException {
        Path net = Files.createDirectories(proc.resolve("self/net"));
        Files.write(net.resolve("tcp"), tcp);
        if (tcp6 != null) {
            Files.write(net.resolve("tcp6"), tcp6);
        }
        Path fd = Files.createDirectories(proc.resolve("self/fd"));
        for (int i = 0; i < fdTargets.length; i++) {
            Files.createSymbolicLink(fd.resolve(String.valueOf(i)), Path.of(fdTargets[i]));
        }
    }

    @Test
    void scan_fakeProc_returnsOnlyThisProcessesListeningSockets() throws IOException {
        writeProc(List.of(TCP_HEADER,
                        row(0, "0100007F:1F90", "00000000:0000", "0A", "1001"),      // 127.0.0.1:8080, ours
                        row(1, "00000000:0050", "00000000:0000", "0A", "1002"),      // 0.0.0.0:80, ours
                        row(2, "0100007F:1F91", "0100007F:D431", "01", "1003"),      // ESTABLISHED, ours
                        row(3, "00000000:0016", "00000000:0000", "0A", "9999"),      // LISTEN, another process
                        row(4, "0302010A:1F92", "00000000:0000", "06", "1004")),     // TIME_WAIT, ours
                List.of(TCP6_HEADER,
                        row(0, "00000000000000000000000000000000:1F93", "00000000000000000000000000000000:0000",
                                "0A", "2001"),                                             // [::]:8083, ours
                        row(1, "00000000000000000000000001000000:1F94", "00000000000000000000000000000000:0000",
                                "0A", "2002"),                                             // [::1]:8084, ours
                        row(2, "00000000000000000000000001000000:1F95", "00000000000000000000000001000000:A001",
                                "01", "2003")),                                            // ESTABLISHED, ours
                "socket:[1001]", "socket:[1002]", "socket:[1003]", "socket:[1004]", "socket:[2001]",
                "socket:[2002]", "socket:[2003]", "pipe:[1005]", "/dev/null", "anon_inode:[eventpoll]");
        ProcNetListeners listeners = new ProcNetListeners(proc);

        List<ProcNetListeners.Listening> found = listeners.scan();

        assertThat(listeners.available()).isTrue();
        assertThat(found).containsExactly(
                new ProcNetListeners.Listening(InetAddress.getByName("127.0.0.1"), 8080),
                new ProcNetListeners.Listening(InetAddress.getByName("0.0.0.0"), 80),
                new ProcNetListeners.Listening(InetAddress.getByName("::"), 8083),
                new ProcNetListeners.Listening(InetAddress.getByName("::1"), 8084));
    }

    @Test
    void scan_inodeOfAnotherProcessOnly_returnsEmpty() throws IOException {
        writeProc(List.of(TCP_HEADER, row(0, "0100007F:1F90", "00000000:0000", "0A", "1001")), List.of(TCP6_HEADER),
                "socket:[1000]", "socket:[10011]");

        assertThat(new ProcNetListeners(proc).scan()).isEmpty();
    }

    @Test
    void scan_noTcp6Table_readsTcpOnly() throws IOException {
        writeProc(List.of(TCP_HEADER, row(0, "0302010A:0BB8", "00000000:0000", "0A", "7")), null, "socket:[7]");

        assertThat(new ProcNetListeners(proc).scan())
                .containsExactly(new ProcNetListeners.Listening(InetAddress.getByName("10.1.2.3"), 3000));
    }

    @Test
    void scan_malformedRows_areSkipped() throws IOException {
        writeProc(List.of(TCP_HEADER,
                        "garbage",
                        row(0, "ZZZZZZZZ:1F90", "00000000:0000", "0A", "1"),
                        row(1, "0100007F", "00000000:0000", "0A", "1"),
                        "",
                        row(2, "0100007F:1F90", "00000000:0000", "0A", "1")),
                List.of(TCP6_HEADER), "socket:[1]");

        assertThat(new ProcNetListeners(proc).scan())
                .containsExactly(new ProcNetListeners.Listening(InetAddress.getByName("127.0.0.1"), 8080));
    }

    @Test
    void scan_missingDirectory_isUnavailableAndEmpty() {
        ProcNetListeners listeners = new ProcNetListeners(proc.resolve("nonexistent"));

        assertThat(listeners.available()).isFalse();
        assertThat(listeners.scan()).isEmpty();
    }

    @Test
    void decodeAddress_hexFromProc_givesAddress() throws IOException {
        assertThat(ProcNetListeners.decodeAddress("0100007F")).isEqualTo(InetAddress.getByName("127.0.0.1"));
        assertThat(ProcNetListeners.decodeAddress("0302010A")).isEqualTo(InetAddress.getByName("10.1.2.3"));
        assertThat(ProcNetListeners.decodeAddress("00000000000000000000000001000000"))
                .isEqualTo(InetAddress.getByName("::1"));
        assertThat(ProcNetListeners.decodeAddress("B80D0120000000000000000001000000"))
                .isEqualTo(InetAddress.getByName("2001:db8::1"));
    }

    @Test
    void scan_realProc_findsServerSocketBoundToPortZero() throws IOException {
        ProcNetListeners real = new ProcNetListeners();
        Prerequisite.require(real.available(), "the real /proc scan needs a readable /proc/self/net/tcp (Linux)",
                Prerequisite.LINUX);
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));

            assertThat(real.scan()).contains(
                    new ProcNetListeners.Listening(InetAddress.getLoopbackAddress(), socket.getLocalPort()));
        }
    }
}
