package dev.beacon.server.internal;

import com.sun.net.httpserver.Headers;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The bearer token every write must carry. Only its SHA-256 is kept, so that no message, log line or
 * {@code toString} can show it. A request's token is hashed too and the digests compared with
 * {@link MessageDigest#isEqual}, which takes the same time whatever bytes differ; hashing first also makes the time
 * independent of the configured token's length. Immutable.
 */
public final class BearerToken {

    private static final Pattern VALID = Pattern.compile("[\\x21-\\x7e]{1,4096}");
    private static final Map<String, String> CHALLENGE = Map.of("WWW-Authenticate", "Bearer realm=\"beacon\"");

    private final byte[] hash;

    private BearerToken(byte[] hash) {
        this.hash = hash;
    }

    /**
     * The token writes will need.
     *
     * @throws IllegalArgumentException unless 1..4096 visible ASCII characters without spaces (the message does not
     *                                  show the token)
     */
    public static BearerToken of(String token) {
        if (token == null || !VALID.matcher(token).matches()) {
            throw new IllegalArgumentException("token must be 1..4096 visible ASCII characters without spaces"
                    + " (the token itself is not shown)");
        }
        return new BearerToken(hash(token));
    }

    /** {@link #check(Headers, String) Checks} the {@code Authorization} header of a write. */
    void check(Headers headers) {
        check(headers, "writes");
    }

    /**
     * Checks a request's {@code Authorization} header.
     *
     * @param what what needs the token, for the message: {@code "writes"} or {@code "reads"}
     * @throws HttpError 401 saying whether the token is missing, malformed or wrong
     */
    void check(Headers headers, String what) {
        List<String> values = headers.get("Authorization");
        if (values == null || values.isEmpty()) {
            throw new HttpError(401, "this server needs a token for " + what
                    + ": send 'Authorization: Bearer <token>'", CHALLENGE);
        }
        if (values.size() > 1) {
            throw new HttpError(401, "send one Authorization header, not " + values.size(), CHALLENGE);
        }
        String value = values.get(0).trim();
        if (value.length() < 7 || !value.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new HttpError(401, "the Authorization header must be 'Bearer <token>'", CHALLENGE);
        }
        if (!MessageDigest.isEqual(hash(value.substring(7).trim()), hash)) {
            throw new HttpError(401, "wrong token", CHALLENGE);
        }
    }

    private static byte[] hash(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    @Override
    public String toString() {
        return "BearerToken[not shown]";
    }
}
