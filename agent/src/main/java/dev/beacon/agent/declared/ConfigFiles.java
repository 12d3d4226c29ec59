package dev.beacon.agent.declared;

import dev.beacon.agent.logging.AgentLog;
import org.slf4j.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Reads one {@code .properties}, {@code .yml} or {@code .yaml} file, from the file system or from inside a jar, into
 * a {@link ConfigDocument}. A file that cannot be read or parsed is one WARN naming it (and the line, for YAML), and
 * is then treated as absent: the next source is used. The YAML parser (SnakeYAML, relocated) is loaded only when a
 * YAML file exists. Runs on the agent's thread only.
 */
final class ConfigFiles {

    private static final Logger log = AgentLog.get(ConfigFiles.class);
    /** Larger configuration files are not read: not the app's own settings, and not worth the memory. */
    static final long MAX_BYTES = 1 << 20;

    private ConfigFiles() {
    }

    /** The file at {@code path}, described as {@code where}; empty when it does not exist or is bad (one WARN). */
    static Optional<ConfigDocument> read(Path path, String where) {
        try {
            if (!Files.isRegularFile(path)) {
                return Optional.empty();
            }
            if (Files.size(path) > MAX_BYTES) {
                log.warn("{} is larger than {} bytes; not read for the service name and ports", where, MAX_BYTES);
                return Optional.empty();
            }
            return parse(Files.readString(path, StandardCharsets.UTF_8), where);
        } catch (IOException | RuntimeException e) {
            log.warn("cannot read {} ({}); using the next source for the service name and ports", where, e.toString());
            return Optional.empty();
        }
    }

    /** The entry {@code entry} of the jar {@code jar}, described as {@code entry}; empty when absent or bad. */
    static Optional<ConfigDocument> read(ZipFile jar, String entry) {
        ZipEntry found = jar.getEntry(entry);
        if (found == null || found.isDirectory()) {
            return Optional.empty();
        }
        try (InputStream in = jar.getInputStream(found)) {
            byte[] bytes = in.readNBytes((int) MAX_BYTES + 1);
            if (bytes.length > MAX_BYTES) {
                log.warn("{} is larger than {} bytes; not read for the service name and ports", entry, MAX_BYTES);
                return Optional.empty();
            }
            return parse(new String(bytes, StandardCharsets.UTF_8), entry);
        } catch (IOException | RuntimeException e) {
            log.warn("cannot read {} in {} ({}); using the next source for the service name and ports", entry,
                    jar.getName(), e.toString());
            return Optional.empty();
        }
    }

    /** Parses {@code text} by the extension of {@code where}; empty (one WARN) when it is malformed. */
    static Optional<ConfigDocument> parse(String text, String where) {
        if (where.endsWith(".yml") || where.endsWith(".yaml")) {
            return YamlDocuments.parse(text, where);
        }
        Properties properties = new Properties();
        try {
            properties.load(new StringReader(text));
        } catch (IOException | IllegalArgumentException e) {
            log.warn("{} is not a valid properties file ({}); using the next source for the service name and ports",
                    where, e.getMessage());
            return Optional.empty();
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (String name : properties.stringPropertyNames()) {
            values.put(name, properties.getProperty(name).trim());
        }
        return Optional.of(new ConfigDocument(where, values, List.of()));
    }
}
