package dev.beacon.registry;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Helpers for registry URIs that may carry credentials. */
public final class RegistryUris {

    // The user info runs to the last '@' before any query: passwords are often pasted unencoded, '@', '/' and '#' and
    // all (a registry URI has no fragment: RegistryUriParts reads a '#' there as part of the password).
    // The scheme may be empty, misspelt or surrounded by spaces: a URI that is refused is still shown masked.
    private static final Pattern USER_INFO = Pattern.compile("^(\\s*[^:/?#@]*://)([^?]*)@");
    private static final Pattern SECRET_PARAM =
            Pattern.compile("((?:password|pass|pwd|secret|token|truststore-password|keystore-password)=)[^&]*",
                    Pattern.CASE_INSENSITIVE);

    private RegistryUris() {
    }

    /**
     * {@code uri} with any password replaced by {@code ****}: in the user info ({@code redis://user:pw@host}) and in
     * query parameters whose name says secret. Safe for logs, messages and {@code toString()}.
     */
    public static String mask(String uri) {
        if (uri == null) {
            return "null";
        }
        String masked = uri;
        Matcher matcher = USER_INFO.matcher(masked);
        if (matcher.find()) {
            String userInfo = matcher.group(2);
            int colon = userInfo.indexOf(':');
            // A user name is shown only when it cannot be part of the password: "pw@host:1,@" is all user info (to
            // the last '@'), and its "pw@host" before the first ':' is no user name.
            boolean userShown = colon >= 0 && userInfo.lastIndexOf('@', colon) < 0;
            String shown = userShown ? userInfo.substring(0, colon) + ":****" : "****";
            masked = matcher.group(1) + shown + "@" + masked.substring(matcher.end());
        }
        return SECRET_PARAM.matcher(masked).replaceAll("$1****");
    }
}
