package dev.beacon.support;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one duration grammar of Beacon, used by the agent's arguments, the command line, the HTTP API and the
 * integrations' properties: a whole number with an optional unit, {@code 500ms}, {@code 3s}, {@code 2m}, {@code 1h},
 * {@code 1d}; a bare number means seconds. Case and surrounding spaces are ignored.
 */
public final class Durations {

    private static final Pattern FORM = Pattern.compile("(\\d{1,12})\\s*(ms|s|m|h|d)?");

    private Durations() {
    }

    /**
     * Parses {@code text}.
     *
     * @param name what the value is, for the message ({@code ttl}, {@code --for})
     * @throws IllegalArgumentException naming {@code name}, the value and the accepted forms
     */
    public static Duration parse(String name, String text) {
        Matcher matcher = FORM.matcher(text == null ? "" : text.trim().toLowerCase(Locale.ROOT));
        if (!matcher.matches()) {
            throw new IllegalArgumentException(name + " " + Texts.quote(text) + " is not a duration; write it like "
                    + "500ms, 3s, 2m, 1h or 1d (a bare number means seconds)");
        }
        long amount = Long.parseLong(matcher.group(1));
        String unit = matcher.group(2) == null ? "s" : matcher.group(2);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
    }

    /** {@code duration} in the shortest exact form of the grammar: {@code 1500ms}, {@code 3s}, {@code 2m}, {@code 1d}. */
    public static String format(Duration duration) {
        long millis = duration.toMillis();
        if (millis != 0 && millis % 86_400_000 == 0) {
            return millis / 86_400_000 + "d";
        }
        if (millis != 0 && millis % 3_600_000 == 0) {
            return millis / 3_600_000 + "h";
        }
        if (millis != 0 && millis % 60_000 == 0) {
            return millis / 60_000 + "m";
        }
        return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
    }
}
