package dev.beacon.http.internal;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses lease durations as the agent writes them: {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}, {@code 1d}. */
public final class Ttls {

    public static final Duration MIN = Duration.ofMillis(100);
    public static final Duration MAX = Duration.ofDays(1);
    private static final Pattern FORM = Pattern.compile("(\\d{1,12})\\s*(ms|s|m|h|d)?");

    private Ttls() {
    }

    /**
     * Parses {@code text}; a bare number means seconds.
     *
     * @throws IllegalArgumentException naming the value and the accepted forms and bounds
     */
    public static Duration parse(String text) {
        Matcher matcher = FORM.matcher(text == null ? "" : text.trim().toLowerCase(Locale.ROOT));
        if (!matcher.matches()) {
            throw new IllegalArgumentException("ttl " + Texts.quote(text) + " is not a duration; write it like "
                    + "500ms, 30s, 2m, 1h or 1d (a bare number means seconds)");
        }
        long amount = Long.parseLong(matcher.group(1));
        String unit = matcher.group(2) == null ? "s" : matcher.group(2);
        Duration ttl = switch (unit) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
        return check(ttl, text);
    }

    /** Checks a number of seconds given as a JSON number. */
    public static Duration ofSeconds(long seconds) {
        return check(Duration.ofSeconds(Math.max(-1, Math.min(seconds, MAX.getSeconds() + 1))), seconds + "");
    }

    private static Duration check(Duration ttl, String shown) {
        if (ttl.compareTo(MIN) < 0 || ttl.compareTo(MAX) > 0) {
            throw new IllegalArgumentException("ttl must be between 100ms and 1d, but was " + Texts.quote(shown));
        }
        return ttl;
    }

    /** {@code ttl} in the shortest exact form: {@code 30s}, {@code 1500ms}, {@code 2m}. */
    public static String format(Duration ttl) {
        long millis = ttl.toMillis();
        if (millis % 86_400_000 == 0) {
            return millis / 86_400_000 + "d";
        }
        if (millis % 3_600_000 == 0) {
            return millis / 3_600_000 + "h";
        }
        if (millis % 60_000 == 0) {
            return millis / 60_000 + "m";
        }
        return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
    }
}
