package dev.beacon.agent.config;

import dev.beacon.health.HealthThresholds;
import dev.beacon.support.Durations;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Validates the self-check's keys: {@code health=} with {@code health-interval=}, {@code health-rise=} and
 * {@code health-fall=}. The companions are validated whenever given, but take effect only with {@code health=}.
 */
final class HealthSettings {

    /**
     * Two seconds between self-checks: a failing app is DOWN within {@code fall} × 2 s (6 s with the default fall of
     * 3, sooner than a dead one's 9 s lease runs out) for one local GET every two seconds.
     */
    static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(2);
    private static final Duration MIN_INTERVAL = Duration.ofMillis(100);
    private static final Duration MAX_INTERVAL = Duration.ofMinutes(10);

    private HealthSettings() {
    }

    /**
     * The self-check the values ask for; empty without {@code health=}.
     *
     * @throws IllegalArgumentException naming the key, the bad value and what is valid
     */
    static Optional<AgentConfig.Health> parse(Map<String, String> values) {
        Duration interval = DEFAULT_INTERVAL;
        if (values.containsKey("health-interval")) {
            interval = Durations.parse("health-interval", values.get("health-interval"));
            if (interval.compareTo(MIN_INTERVAL) < 0 || interval.compareTo(MAX_INTERVAL) > 0) {
                throw new IllegalArgumentException("health-interval=" + values.get("health-interval").trim()
                        + " is out of range; use 100ms to 10m");
            }
        }
        int rise = parseCount("health-rise", values.get("health-rise"), HealthThresholds.DEFAULT_RISE);
        int fall = parseCount("health-fall", values.get("health-fall"), HealthThresholds.DEFAULT_FALL);
        String target = values.get("health");
        if (target == null) {
            return Optional.empty();
        }
        if (!target.trim().equals(AUTO)) {
            checkTarget(target.trim());
        }
        return Optional.of(new AgentConfig.Health(target.trim(), interval, new HealthThresholds(rise, fall)));
    }

    /** {@code health=auto}: the readiness endpoint of the app's framework (docs/health.md lists them). */
    static final String AUTO = "auto";

    /** A path ({@code /health}, on the registered port) or an absolute http(s) URL; the same rules as core's. */
    private static void checkTarget(String target) {
        String problem;
        try {
            if (target.startsWith("/") && !target.startsWith("//")) {
                URI uri = new URI("http://localhost" + target);
                problem = uri.getRawFragment() != null ? "a path must not have a fragment ('#')" : null;
            } else {
                URI uri = new URI(target);
                String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
                problem = (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null ? null
                        : "it is neither a path starting with '/' nor an http:// or https:// URL with a host";
            }
        } catch (URISyntaxException e) {
            problem = "it is not a valid URI (" + e.getReason() + " at index " + e.getIndex() + ")";
        }
        if (problem != null) {
            throw new IllegalArgumentException("health=" + target + " is not valid: " + problem
                    + "; write a path on the registered port such as health=/health, a URL such as "
                    + "health=http://127.0.0.1:8081/ready, or health=auto");
        }
    }

    private static int parseCount(String key, String value, int defaultValue) {
        if (value == null) {
            return defaultValue;
        }
        try {
            int count = Integer.parseInt(value.trim());
            if (count >= 1 && count <= HealthThresholds.MAX) {
                return count;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(key + "=" + value + " is not a count; use a whole number 1.."
                + HealthThresholds.MAX + " (default " + defaultValue + ")");
    }
}
