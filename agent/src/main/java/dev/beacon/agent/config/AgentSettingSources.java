package dev.beacon.agent.config;

import dev.beacon.registry.RegistryUris;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Reads the agent's raw settings from its three sources, highest precedence first:
 * <ol>
 *   <li>the agent arguments: {@code -javaagent:beacon-agent.jar=service=orders,ttl=10s,meta.version=1.4};</li>
 *   <li>system properties {@code beacon.<key>} ({@code -Dbeacon.service=orders});</li>
 *   <li>environment variables {@code BEACON_<KEY>}, upper case, {@code -} and {@code .} written {@code _}
 *       ({@code BEACON_SERVICE=orders}, {@code BEACON_EXCLUDE_PORTS=5005}, {@code BEACON_META_ZONE=eu-1}).</li>
 * </ol>
 * Agent arguments are {@code key=value} pairs separated by commas; a piece that does not start with {@code key=}
 * continues the previous value, so lists and URIs need no quoting: {@code exclude-ports=5005,9010},
 * {@code registry=redis-sentinel://h1:26379,h2:26379/mymaster?prefix=prod}. Unknown keys in the agent arguments are
 * errors; unknown {@code beacon.*} properties and {@code BEACON_*} variables are ignored (other tools share the
 * prefix). Values are trimmed, nothing else: {@link AgentConfigParser} validates them.
 */
final class AgentSettingSources {

    private static final Pattern KEY_SHAPE = Pattern.compile("[A-Za-z0-9._-]+");

    /**
     * The settings found, each from the source that wins for it.
     *
     * @param values   every key but {@code meta.*}, as written
     * @param metadata the {@code meta.<key>} values, by key, sorted
     */
    record Settings(Map<String, String> values, Map<String, String> metadata) {
    }

    private AgentSettingSources() {
    }

    /**
     * @throws IllegalArgumentException for an unknown key, a key given twice, or a piece without a key in the agent
     *                                  arguments (any registry password in the message masked)
     */
    static Settings read(String agentArgs, Map<?, ?> properties, Map<String, String> env) {
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, String> metadata = new TreeMap<>();
        readEnvironment(env, values, metadata);
        readProperties(properties, values, metadata);
        readAgentArguments(agentArgs, values, metadata);
        return new Settings(values, metadata);
    }

    private static void readAgentArguments(String agentArgs, Map<String, String> values, Map<String, String> metadata) {
        if (agentArgs == null || agentArgs.isBlank()) {
            return;
        }
        Map<String, String> given = new LinkedHashMap<>();
        String lastKey = null;
        for (String piece : agentArgs.split(",", -1)) {
            int eq = piece.indexOf('=');
            if (eq >= 0 && lastKey != null && !KEY_SHAPE.matcher(piece.substring(0, eq).trim()).matches()) {
                // not "key=": part of the previous value, such as a sentinel host list with options
                eq = -1;
            }
            if (eq < 0) {
                if (piece.isBlank()) {
                    continue; // "a=1,,b=2" or a trailing comma left by a launch template
                }
                if (lastKey == null) {
                    throw new IllegalArgumentException("agent argument '" + RegistryUris.mask(piece.trim())
                            + "' has no value; write key=value pairs separated by commas, keys: " + keyList());
                }
                given.put(lastKey, given.get(lastKey) + "," + piece);
                continue;
            }
            String key = piece.substring(0, eq).trim();
            String value = piece.substring(eq + 1);
            if (!isKnown(key)) {
                throw new IllegalArgumentException("unknown agent argument '" + key + "' (in " + key + "="
                        + RegistryUris.mask(value) + "); valid keys: " + keyList());
            }
            if (given.containsKey(key)) {
                throw new IllegalArgumentException("agent argument '" + key + "' is given twice ("
                        + key + "=" + RegistryUris.mask(given.get(key).trim()) + ", then " + key + "="
                        + RegistryUris.mask(value.trim()) + "); give each key once");
            }
            given.put(key, value);
            lastKey = key;
        }
        given.forEach((key, value) -> put(key, value.trim(), values, metadata));
    }

    private static void readProperties(Map<?, ?> properties, Map<String, String> values, Map<String, String> metadata) {
        properties.forEach((k, v) -> {
            if (k instanceof String key && v instanceof String value && key.startsWith("beacon.")) {
                String name = key.substring("beacon.".length());
                if (isKnown(name)) {
                    put(name, value.trim(), values, metadata);
                }
            }
        });
    }

    private static void readEnvironment(Map<String, String> env, Map<String, String> values,
                                        Map<String, String> metadata) {
        env.forEach((key, value) -> {
            if (!key.startsWith("BEACON_")) {
                return;
            }
            String name = key.substring("BEACON_".length());
            if (name.startsWith("META_") && name.length() > 5) {
                put("meta." + name.substring(5).toLowerCase(Locale.ROOT), value.trim(), values, metadata);
                return;
            }
            for (String known : AgentConfigParser.KEYS) {
                if (known.toUpperCase(Locale.ROOT).replace('-', '_').equals(name)) {
                    put(known, value.trim(), values, metadata);
                }
            }
        });
    }

    private static void put(String key, String value, Map<String, String> values, Map<String, String> metadata) {
        if (key.startsWith("meta.")) {
            metadata.put(key.substring(5), value);
        } else {
            values.put(key, value);
        }
    }

    private static boolean isKnown(String key) {
        return (key.startsWith("meta.") && key.length() > 5)
                || (AgentConfigParser.KEYS.contains(key) && !key.startsWith("meta."));
    }

    private static String keyList() {
        return String.join(", ", AgentConfigParser.KEYS);
    }
}
