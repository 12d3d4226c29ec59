package dev.beacon.client;

import dev.beacon.ServiceInstance;

import java.util.Arrays;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Ready-made instance filters for {@link DiscoveryClient.Builder#filter}. Status and zone are handled by the client
 * itself (only {@code UP} is routable by default; {@link DiscoveryClient.Builder#localZone} prefers a zone).
 */
public final class InstanceFilters {

    private InstanceFilters() {
    }

    /**
     * Instances whose metadata {@code key} matches {@code glob}, where {@code *} matches any characters:
     * {@code metadata("version", "2.*")}.
     */
    public static Predicate<ServiceInstance> metadata(String key, String glob) {
        Objects.requireNonNull(key, "key");
        Pattern pattern = globToPattern(Objects.requireNonNull(glob, "glob"));
        return instance -> {
            String value = instance.metadata().get(key);
            return value != null && pattern.matcher(value).matches();
        };
    }

    /** Instances whose metadata {@code tags} (comma-separated) contains {@code tag}. */
    public static Predicate<ServiceInstance> tag(String tag) {
        Objects.requireNonNull(tag, "tag");
        return instance -> {
            String tags = instance.metadata().get("tags");
            return tags != null && Arrays.stream(tags.split(",")).map(String::trim).anyMatch(tag::equals);
        };
    }

    static Pattern globToPattern(String glob) {
        StringBuilder regex = new StringBuilder();
        String[] parts = glob.split("\\*", -1);
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                regex.append(".*");
            }
            regex.append(Pattern.quote(parts[i]));
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }
}
