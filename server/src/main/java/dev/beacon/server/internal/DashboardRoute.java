package dev.beacon.server.internal;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code GET /}: the page given to {@code BeaconServer.Builder.indexPage} (the dashboard of {@code beacon serve},
 * the resource {@code dev/beacon/server/dashboard.html}), or a 404 listing the API's routes. Thread-safe.
 */
final class DashboardRoute {

    private final Optional<String> contentType;
    private final Optional<byte[]> content;

    DashboardRoute(Optional<IndexPage> page) {
        this.contentType = page.map(IndexPage::contentType);
        this.content = page.map(IndexPage::content);
    }

    Reply page(RequestTarget target) {
        target.allowOnly(Set.of(), null);
        if (content.isEmpty()) {
            throw HttpError.notFound("no page is served at /; the API: " + Route.summary());
        }
        return new Reply(200, contentType.orElseThrow(), content.get(), Map.of("Cache-Control", "no-cache"),
                Optional.empty());
    }
}
