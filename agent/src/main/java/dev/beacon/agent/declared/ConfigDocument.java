package dev.beacon.agent.declared;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One configuration file as the framework sees it: flat keys ({@code server.port}, {@code a.list[0].port}) with string
 * values, plus the YAML documents that apply only to some profiles ({@code spring.config.activate.on-profile}).
 *
 * @param where    the file, as the log names it ({@code BOOT-INF/classes/application.yml}, {@code config/app.yml})
 * @param values   the keys of the documents that apply to every profile, later documents overriding earlier ones
 * @param profiled the documents that apply only to the profiles they name, in file order
 */
record ConfigDocument(String where, Map<String, String> values, List<Profiled> profiled) {

    ConfigDocument {
        Objects.requireNonNull(where, "where");
        values = Map.copyOf(values);
        profiled = List.copyOf(profiled);
    }

    /** A YAML document that applies when one of {@code profiles} is active. */
    record Profiled(List<String> profiles, Map<String, String> values) {
        Profiled {
            profiles = List.copyOf(profiles);
            values = Map.copyOf(values);
        }
    }

    /** The value of {@code key} with {@code active} profiles: a matching profiled document wins, the last one first. */
    String get(String key, List<String> active) {
        for (int i = profiled.size() - 1; i >= 0; i--) {
            Profiled doc = profiled.get(i);
            if (doc.values().containsKey(key) && doc.profiles().stream().anyMatch(active::contains)) {
                return doc.values().get(key);
            }
        }
        return values.get(key);
    }
}
