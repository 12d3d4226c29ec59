package dev.beacon.agent.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses durations written {@code 500ms}, {@code 3s}, {@code 2m}, {@code 1h}, {@code 1d}; a bare number means seconds. */
public final class Durations {

    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)?");

    private Durations() {
    }

    /**
     * @throws IllegalArgumentException naming the key, the bad value and the expected form
     */
    public static Duration parse(String key, String value) {
        Matcher matcher = DURATION.matcher(value == null ? "" : value.trim());
        if (!matcher.matches()) {
            throw new IllegalArgumentException(key + "=" + value
                    + " is not a duration; write it like 500ms, 3s, 2m, 1h or 1d (a bare number means seconds)");
        }
        long amount = Long.parseLong(matcher.group(1));
        String unit = matcher.group(2) == null ? "s" : matcher.group(2);
        switch (unit) {
            case "ms":
                return Duration.ofMillis(amount);
            case "m":
                return Duration.ofMinutes(amount);
            case "d":
                return Duration.ofDays(amount);
            case "h":
                return Duration.ofHours(amount);
            default:
                return Duration.ofSeconds(amount);
        }
    }

    /** {@code 1500ms}, {@code 3s}, {@code 2m}, {@code 1h}: the shortest exact form. */
    public static String format(Duration duration) {
        long millis = duration.toMillis();
        if (millis % 3_600_000 == 0 && millis > 0) {
            return millis / 3_600_000 + "h";
        }
        if (millis % 60_000 == 0 && millis > 0) {
            return millis / 60_000 + "m";
        }
        if (millis % 1000 == 0) {
            return millis / 1000 + "s";
        }
        return millis + "ms";
    }
}
