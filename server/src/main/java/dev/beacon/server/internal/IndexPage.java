package dev.beacon.server.internal;

import dev.beacon.support.Texts;

import java.util.Objects;

/**
 * The page served at {@code GET /} (the dashboard), with its {@code Content-Type}. Holds its own copy of the bytes.
 *
 * @param contentType 1..200 visible ASCII characters
 * @param content     the page
 */
public record IndexPage(String contentType, byte[] content) {

    /** @throws IllegalArgumentException for a bad content type, naming it */
    public IndexPage {
        if (contentType == null || !contentType.matches("[\\x20-\\x7e]{1,200}")) {
            throw new IllegalArgumentException("content type must be 1..200 visible ASCII characters, but was "
                    + Texts.quote(contentType));
        }
        content = Objects.requireNonNull(content, "content").clone();
    }

    /** A copy of the page. */
    @Override
    public byte[] content() {
        return content.clone();
    }
}
