package dev.beacon.agent.detect;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The TCP sockets this process is listening on, read from Linux's {@code /proc}: socket inodes from the links in
 * {@code /proc/self/fd}, matched against the LISTEN rows (state {@code 0A}) of {@code /proc/self/net/tcp} and
 * {@code tcp6}. Finds listeners the bind hooks cannot see (bound through JNI, or before the agent was loaded).
 * Returns an empty list where {@code /proc} is not available.
 */
public final class ProcNetListeners {

    /** A listening socket: its local address and port. */
    public record Listening(InetAddress address, int port) {
    }

    private final Path proc;

    public ProcNetListeners() {
        this(Path.of("/proc"));
    }

    /** Reads {@code proc} instead of {@code /proc} (tests; a missing directory means "not available"). */
    public ProcNetListeners(Path proc) {
        this.proc = proc;
    }

    public boolean available() {
        return Files.isReadable(proc.resolve("self/net/tcp"));
    }

    /** The listening sockets owned by this process, in the order the kernel lists them. */
    public List<Listening> scan() {
        if (!available()) {
            return List.of();
        }
        Set<String> inodes = socketInodes();
        List<Listening> listening = new ArrayList<>();
        readTable(proc.resolve("self/net/tcp"), inodes, listening);
        readTable(proc.resolve("self/net/tcp6"), inodes, listening);
        return listening;
    }

    private Set<String> socketInodes() {
        Set<String> inodes = new HashSet<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(proc.resolve("self/fd"))) {
            for (Path fd : fds) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring(8, target.length() - 1));
                    }
                } catch (IOException | UnsupportedOperationException closedMeanwhile) {
                    // the descriptor was closed while we looked
                }
            }
        } catch (IOException e) {
            return inodes;
        }
        return inodes;
    }

    static void readTable(Path table, Set<String> inodes, List<Listening> out) {
        List<String> lines;
        try {
            lines = Files.readAllLines(table);
        } catch (IOException e) {
            return;
        }
        for (int i = 1; i < lines.size(); i++) {
            String[] columns = lines.get(i).trim().split("\\s+");
            // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
            if (columns.length < 10 || !columns[3].equals("0A") || !inodes.contains(columns[9])) {
                continue;
            }
            String[] local = columns[1].split(":");
            try {
                out.add(new Listening(decodeAddress(local[0]), Integer.parseInt(local[1], 16)));
            } catch (RuntimeException | UnknownHostException malformed) {
                // skip a row we cannot read
            }
        }
    }

    /** Addresses in /proc are hex, in groups of four bytes each in host (little-endian) order. */
    static InetAddress decodeAddress(String hex) throws UnknownHostException {
        byte[] bytes = new byte[hex.length() / 2];
        for (int word = 0; word < bytes.length / 4; word++) {
            for (int b = 0; b < 4; b++) {
                int at = (word * 4 + 3 - b) * 2;
                bytes[word * 4 + b] = (byte) Integer.parseInt(hex.substring(at, at + 2), 16);
            }
        }
        return InetAddress.getByAddress(bytes);
    }
}
