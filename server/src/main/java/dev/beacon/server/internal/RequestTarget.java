package dev.beacon.server.internal;

import dev.beacon.support.Texts;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The decoded path segments and query parameters of a request, parsed strictly: percent-escapes must be complete
 * and decode to valid UTF-8, the raw target must be ASCII, and the number and size of the pieces are bounded. Every
 * violation is an {@link HttpError} 400 that says what was wrong.
 *
 * @param segments the path split at {@code /} and decoded; a single trailing slash is ignored
 * @param query    parameter name → values in request order; {@code +} decodes to a space
 */
record RequestTarget(List<String> segments, Map<String, List<String>> query) {

    static final int MAX_SEGMENTS = 8;
    static final int MAX_PARAMETERS = 32;

    public RequestTarget {
        segments = List.copyOf(segments);
        Map<String, List<String>> copy = new LinkedHashMap<>();
        query.forEach((name, values) -> copy.put(name, List.copyOf(values)));
        query = java.util.Collections.unmodifiableMap(copy);
    }

    /**
     * Parses a raw path and raw query as {@link java.net.URI#getRawPath()} and {@link java.net.URI#getRawQuery()}
     * return them.
     *
     * @return the target; the path {@code /} has no segments
     * @throws HttpError 400 (bad escapes, invalid UTF-8, non-ASCII, too many parameters) or 404 (empty segments,
     *                   too many segments: no route can match)
     */
    public static RequestTarget parse(String rawPath, String rawQuery) {
        if (rawPath == null || !rawPath.startsWith("/")) {
            throw HttpError.badRequest("the request target must be an absolute path such as /services, but was "
                    + Texts.quote(rawPath));
        }
        String path = rawPath.length() > 1 && rawPath.endsWith("/") ? rawPath.substring(0, rawPath.length() - 1)
                : rawPath;
        List<String> segments = new ArrayList<>();
        if (path.length() > 1) {
            String[] raw = path.substring(1).split("/", -1);
            if (raw.length > MAX_SEGMENTS) {
                throw HttpError.notFound("no route has " + raw.length + " path segments: " + Texts.quote(rawPath));
            }
            for (String piece : raw) {
                if (piece.isEmpty()) {
                    throw HttpError.notFound("empty path segment in " + Texts.quote(rawPath));
                }
                segments.add(decode(piece, false, "path"));
            }
        }
        return new RequestTarget(segments, parseQuery(rawQuery));
    }

    private static Map<String, List<String>> parseQuery(String rawQuery) {
        Map<String, List<String>> query = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return query;
        }
        int count = 0;
        for (String piece : rawQuery.split("&", -1)) {
            if (piece.isEmpty()) {
                continue;
            }
            if (++count > MAX_PARAMETERS) {
                throw HttpError.badRequest("at most " + MAX_PARAMETERS + " query parameters are accepted");
            }
            int equals = piece.indexOf('=');
            String name = decode(equals < 0 ? piece : piece.substring(0, equals), true, "query parameter name");
            String value = equals < 0 ? ""
                    : decode(piece.substring(equals + 1), true, "query parameter " + Texts.quote(name));
            if (name.isEmpty()) {
                throw HttpError.badRequest("empty query parameter name in " + Texts.quote(piece));
            }
            query.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
        }
        return query;
    }

    /** The one value of {@code name}, or {@code null} if absent; a repeated parameter is a 400. */
    public String single(String name) {
        List<String> values = query.get(name);
        if (values == null) {
            return null;
        }
        if (values.size() > 1) {
            throw HttpError.badRequest("query parameter '" + name + "' may be given once, but was given "
                    + values.size() + " times");
        }
        return values.get(0);
    }

    /**
     * Rejects parameters this route does not take.
     *
     * @param allowed       exact names
     * @param allowedPrefix names starting with this are accepted too (for example {@code meta.}), or {@code null}
     */
    public void allowOnly(Set<String> allowed, String allowedPrefix) {
        for (String name : query.keySet()) {
            if (!allowed.contains(name) && (allowedPrefix == null || !name.startsWith(allowedPrefix))) {
                List<String> valid = new ArrayList<>(new java.util.TreeSet<>(allowed));
                if (allowedPrefix != null) {
                    valid.add(allowedPrefix + "<key>");
                }
                throw HttpError.badRequest("unknown query parameter " + Texts.quote(name)
                        + (valid.isEmpty() ? "; this route takes none" : "; valid: " + String.join(", ", valid)));
            }
        }
    }

    /** Decodes percent-escapes as UTF-8, strictly. */
    static String decode(String raw, boolean plusIsSpace, String what) {
        if (raw.indexOf('%') < 0 && (!plusIsSpace || raw.indexOf('+') < 0)) {
            checkAscii(raw, what);
            return raw;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                int high = i + 1 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
                int low = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 2), 16) : -1;
                if (high < 0 || low < 0) {
                    throw HttpError.badRequest("bad percent-encoding in " + what + " " + Texts.quote(raw)
                            + " at position " + i + ": '%' must be followed by two hex digits");
                }
                bytes.write(high << 4 | low);
                i += 2;
            } else if (c == '+' && plusIsSpace) {
                bytes.write(' ');
            } else if (c > 0x7e || c < 0x20) {
                throw nonAscii(raw, what);
            } else {
                bytes.write(c);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            throw HttpError.badRequest(what + " " + Texts.quote(raw) + " does not decode to valid UTF-8");
        }
    }

    private static void checkAscii(String raw, String what) {
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c > 0x7e || c < 0x20) {
                throw nonAscii(raw, what);
            }
        }
    }

    private static HttpError nonAscii(String raw, String what) {
        return HttpError.badRequest(what + " " + Texts.quote(raw)
                + " holds a character that is not printable ASCII; percent-encode it as UTF-8");
    }
}
