package dev.beacon.server;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The documented schema of Prometheus' HTTP service discovery (prometheus.io/docs/prometheus/latest/http_sd/):
 * a JSON array of target groups, each an object with {@code "targets"} (an array of {@code "host:port"} strings) and
 * {@code "labels"} (an object of label name to string value, names {@code [a-zA-Z_][a-zA-Z0-9_]*}). Written from the
 * documentation, independently of the route, so that the route is checked against the format and not against itself.
 */
final class HttpSdSchema {

    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    /** A host name or IPv4 address, or an IPv6 literal in brackets (with a zone id), then a port. */
    private static final Pattern TARGET = Pattern.compile("(\\[[0-9a-fA-F:.]+(%[A-Za-z0-9._-]+)?]|[A-Za-z0-9._-]+):"
            + "(\\d{1,5})");
    private static final Set<String> GROUP_FIELDS = Set.of("targets", "labels");

    private HttpSdSchema() {
    }

    /** What in {@code document} breaks the schema; empty when it conforms. */
    static List<String> violations(JsonNode document) {
        List<String> problems = new ArrayList<>();
        if (document == null || !document.isArray()) {
            problems.add("the document must be a JSON array, but was " + (document == null ? "nothing"
                    : document.getNodeType()));
            return problems;
        }
        for (int i = 0; i < document.size(); i++) {
            JsonNode group = document.get(i);
            String where = "group " + i;
            if (!group.isObject()) {
                problems.add(where + " must be an object, but was " + group.getNodeType());
                continue;
            }
            for (Iterator<String> names = group.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!GROUP_FIELDS.contains(name)) {
                    problems.add(where + " has an unknown field '" + name + "'");
                }
            }
            JsonNode targets = group.get("targets");
            if (targets == null || !targets.isArray()) {
                problems.add(where + ": 'targets' must be an array");
            } else {
                for (JsonNode target : targets) {
                    checkTarget(where, target, problems);
                }
            }
            JsonNode labels = group.get("labels");
            if (labels == null || !labels.isObject()) {
                problems.add(where + ": 'labels' must be an object");
            } else {
                for (Iterator<Map.Entry<String, JsonNode>> fields = labels.fields(); fields.hasNext(); ) {
                    Map.Entry<String, JsonNode> label = fields.next();
                    if (!LABEL_NAME.matcher(label.getKey()).matches()) {
                        problems.add(where + ": label name '" + label.getKey() + "' is not [a-zA-Z_][a-zA-Z0-9_]*");
                    }
                    if (!label.getValue().isTextual()) {
                        problems.add(where + ": label '" + label.getKey() + "' must be a string, but was "
                                + label.getValue().getNodeType());
                    }
                }
            }
        }
        return problems;
    }

    private static void checkTarget(String where, JsonNode target, List<String> problems) {
        if (!target.isTextual() || target.asText().isEmpty()) {
            problems.add(where + ": a target must be a non-empty string, but was " + target);
            return;
        }
        Matcher matcher = TARGET.matcher(target.asText());
        if (!matcher.matches()) {
            problems.add(where + ": target '" + target.asText() + "' is not host:port");
            return;
        }
        int port = Integer.parseInt(matcher.group(3));
        if (port < 1 || port > 65535) {
            problems.add(where + ": target '" + target.asText() + "' has port " + port + ", not 1..65535");
        }
    }
}
