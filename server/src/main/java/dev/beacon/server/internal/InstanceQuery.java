package dev.beacon.server.internal;

import dev.beacon.ServiceInstance;
import dev.beacon.Status;
import dev.beacon.client.InstanceFilters;
import dev.beacon.support.Texts;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The instance filters of the read routes' query: {@code status}, {@code zone} and {@code meta.<key>}, all of which
 * must match; {@code *} in a value is a wildcard.
 */
final class InstanceQuery {

    /** The prefix of a metadata filter's parameter name. */
    static final String META = "meta.";
    private static final Pattern METADATA_KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private InstanceQuery() {
    }

    /**
     * The AND of the filters in {@code target}.
     *
     * @param defaultStatus the status to match when the query names none; {@code null}: any
     * @throws HttpError 400 for a bad status, metadata key or a value that is too long
     */
    static Predicate<ServiceInstance> filter(RequestTarget target, Status defaultStatus) {
        String statusText = target.single("status");
        Status status = statusText == null ? defaultStatus : Status.parse(statusText);
        Predicate<ServiceInstance> filter = instance -> status == null || instance.status() == status;
        String zone = target.single("zone");
        if (zone != null) {
            filter = filter.and(InstanceFilters.metadata("zone", checkValue("zone", zone)));
        }
        for (Map.Entry<String, List<String>> parameter : target.query().entrySet()) {
            if (!parameter.getKey().startsWith(META)) {
                continue;
            }
            String key = parameter.getKey().substring(META.length());
            if (!METADATA_KEY.matcher(key).matches()) {
                throw HttpError.badRequest("metadata key in " + Texts.quote(parameter.getKey())
                        + " must match [A-Za-z0-9][A-Za-z0-9._-]{0,63}");
            }
            for (String value : parameter.getValue()) {
                filter = filter.and(InstanceFilters.metadata(key, checkValue(parameter.getKey(), value)));
            }
        }
        return filter;
    }

    /** The filters as a message shows them: {@code status=UP, zone='eu-1', meta.version='2.*'}. */
    static String describe(RequestTarget target, Status defaultStatus) {
        StringBuilder text = new StringBuilder();
        String status = target.single("status");
        text.append("status=").append(status == null ? defaultStatus.name() : status.trim().toUpperCase(Locale.ROOT));
        target.query().forEach((name, values) -> {
            if (name.equals("zone") || name.startsWith(META)) {
                values.forEach(value -> text.append(", ").append(name).append('=').append(Texts.quote(value)));
            }
        });
        return text.toString();
    }

    private static String checkValue(String name, String value) {
        if (value.length() > ServiceInstance.MAX_METADATA_VALUE_LENGTH) {
            throw HttpError.badRequest("query parameter '" + name + "' may have at most "
                    + ServiceInstance.MAX_METADATA_VALUE_LENGTH + " characters, but had " + value.length());
        }
        return value;
    }
}
