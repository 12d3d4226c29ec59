package dev.beacon.server.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.util.Locale;

/**
 * Parses request bodies strictly: one JSON object, bounded nesting, string and number sizes; duplicate keys and
 * trailing content refused. Thread-safe.
 */
final class JsonBodyParser {

    private static final ObjectMapper READER = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(8)
                    .maxNumberLength(32)
                    .maxStringLength(64 * 1024)
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private JsonBodyParser() {
    }

    /**
     * Parses a request body that must be one JSON object.
     *
     * @throws HttpError 400 saying what is wrong and where
     */
    static ObjectNode parseObject(byte[] body) {
        if (body.length == 0) {
            throw HttpError.badRequest("the request body must be a JSON object, but was empty");
        }
        JsonNode node;
        try {
            node = READER.readTree(body);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw HttpError.badRequest("malformed JSON" + where + ": " + shorten(e.getOriginalMessage()));
        } catch (IOException e) {
            throw HttpError.badRequest("unreadable JSON: " + shorten(e.getMessage()));
        }
        if (node == null || !node.isObject()) {
            throw HttpError.badRequest("the request body must be a JSON object, but was "
                    + (node == null || node.isMissingNode() ? "empty"
                    : "a JSON " + node.getNodeType().name().toLowerCase(Locale.ROOT)));
        }
        return (ObjectNode) node;
    }

    private static String shorten(String message) {
        if (message == null) {
            return "unknown error";
        }
        String oneLine = message.replaceAll("\\s+", " ");
        return oneLine.length() > 200 ? oneLine.substring(0, 200) + "…" : oneLine;
    }
}
