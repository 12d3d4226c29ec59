package dev.beacon.server.internal;

import com.sun.net.httpserver.Headers;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Bearer-token check for writes. Both tokens are hashed with SHA-256 and the digests compared with
 * {@link MessageDigest#isEqual}, which takes the same time whatever bytes differ; hashing first also makes the time
 * independent of the configured token's length. The token never appears in a message.
 */
public final class Auth {

    private static final Map<String, String> CHALLENGE = Map.of("WWW-Authenticate", "Bearer realm=\"beacon\"");

    private Auth() {
    }

    public static byte[] hash(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /**
     * Checks the {@code Authorization} header against {@code expected} (no check when empty).
     *
     * @throws HttpError 401 saying whether the token is missing, malformed or wrong
     */
    public static void check(Headers headers, Optional<byte[]> expected) {
        if (expected.isEmpty()) {
            return;
        }
        List<String> values = headers.get("Authorization");
        if (values == null || values.isEmpty()) {
            throw new HttpError(401, "this server needs a token for writes: send 'Authorization: Bearer <token>'",
                    CHALLENGE);
        }
        if (values.size() > 1) {
            throw new HttpError(401, "send one Authorization header, not " + values.size(), CHALLENGE);
        }
        String value = values.get(0).trim();
        if (value.length() < 7 || !value.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new HttpError(401, "the Authorization header must be 'Bearer <token>'", CHALLENGE);
        }
        if (!MessageDigest.isEqual(hash(value.substring(7).trim()), expected.get())) {
            throw new HttpError(401, "wrong token", CHALLENGE);
        }
    }
}
