package dev.beacon.agent.declared;

import dev.beacon.agent.logging.AgentLog;
import org.slf4j.Logger;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A YAML file's documents, flattened the way Spring Boot flattens them ({@code server: {port: 8080}} is
 * {@code server.port=8080}, list items are {@code [0]}), with the documents that name a profile
 * ({@code spring.config.activate.on-profile}, the older {@code spring.profiles}) kept apart. Parsed by SnakeYAML with
 * its safe constructor (no types instantiated), limited in size and aliases. Only this class touches SnakeYAML, so
 * its classes load only when a YAML file exists.
 */
final class YamlDocuments {

    private static final Logger log = AgentLog.get(YamlDocuments.class);

    private YamlDocuments() {
    }

    static Optional<ConfigDocument> parse(String text, String where) {
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(50);
        options.setAllowDuplicateKeys(true);
        options.setCodePointLimit((int) ConfigFiles.MAX_BYTES);
        Yaml yaml = new Yaml(new SafeConstructor(options));
        Map<String, String> base = new LinkedHashMap<>();
        List<ConfigDocument.Profiled> profiled = new ArrayList<>();
        try {
            for (Object document : yaml.loadAll(text)) {
                if (document == null) {
                    continue;
                }
                if (!(document instanceof Map<?, ?>)) {
                    throw new YAMLException("a document is not a mapping of keys to values");
                }
                Map<String, String> flat = new LinkedHashMap<>();
                flatten("", document, flat);
                String onProfile = flat.getOrDefault("spring.config.activate.on-profile", flat.get("spring.profiles"));
                if (onProfile == null) {
                    base.putAll(flat);
                } else {
                    List<String> profiles = Arrays.stream(onProfile.split(",")).map(String::trim)
                            .filter(p -> !p.isEmpty()).toList();
                    profiled.add(new ConfigDocument.Profiled(profiles, flat));
                }
            }
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String line = mark == null ? "" : " at line " + (mark.getLine() + 1);
            log.warn("{} is not valid YAML{}: {}; using the next source for the service name and ports", where, line,
                    firstLine(e.getProblem()));
            return Optional.empty();
        } catch (YAMLException | ClassCastException e) {
            log.warn("{} is not valid YAML: {}; using the next source for the service name and ports", where,
                    firstLine(e.getMessage()));
            return Optional.empty();
        }
        return Optional.of(new ConfigDocument(where, base, profiled));
    }

    private static void flatten(String prefix, Object node, Map<String, String> into) {
        if (node instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                String key = String.valueOf(entry.getKey());
                flatten(prefix.isEmpty() ? key : prefix + "." + key, entry.getValue(), into);
            }
        } else if (node instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                flatten(prefix + "[" + i + "]", list.get(i), into);
            }
            if (list.stream().noneMatch(item -> item instanceof Map || item instanceof List)) {
                into.put(prefix, String.join(",", list.stream().map(String::valueOf).toList()));
            }
        } else if (node != null && !prefix.isEmpty()) {
            into.put(prefix, String.valueOf(node).trim());
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
