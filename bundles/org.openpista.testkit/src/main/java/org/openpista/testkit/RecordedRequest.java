package org.openpista.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A request a fake server received, kept for assertions.
 *
 * @param method the HTTP method
 * @param path the request path, without query
 * @param query the raw query string, or empty
 * @param headers the headers, names lower case
 * @param body the body text
 */
public record RecordedRequest(String method, String path, String query, Map<String, List<String>> headers, String body) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public RecordedRequest {
        Map<String, List<String>> lower = new TreeMap<>();
        headers.forEach((name, values) -> lower.put(name.toLowerCase(Locale.ROOT), List.copyOf(values)));
        headers = Map.copyOf(lower);
        query = query == null ? "" : query;
    }

    /** @return the first value of a header (name case-insensitive), or {@code null} */
    public String header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /**
     * @return the body's bytes as received, for a {@code multipart/*} upload (its body is kept as
     *     ISO-8859-1 text, one character per byte)
     */
    public byte[] bytes() {
        return body.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /** @return the body parsed as JSON */
    public JsonNode json() {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException("request body is not JSON: " + body, e);
        }
    }
}
