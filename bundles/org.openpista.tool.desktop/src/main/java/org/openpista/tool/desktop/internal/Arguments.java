package org.openpista.tool.desktop.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;

/**
 * Reads the JSON arguments of a call. JSON {@code null} counts as absent and unknown properties are
 * ignored, as in {@code system.run}; every problem is an {@code IllegalArgumentException} with one
 * line naming it.
 */
final class Arguments {

    private final JsonNode root;

    private Arguments(JsonNode root) {
        this.root = root;
    }

    static Arguments parse(String json, ObjectMapper mapper) {
        JsonNode root;
        try {
            root = mapper.readTree(json);
        } catch (JsonProcessingException e) {
            String message = e.getOriginalMessage();
            throw new IllegalArgumentException("arguments are not valid JSON: "
                    + (message == null ? "unexpected input" : message.replaceAll("\\s+", " ").strip()));
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("arguments must be a JSON object");
        }
        return new Arguments(root);
    }

    /**
     * @param max the most characters allowed
     * @return the string, or {@code null} when absent
     */
    String text(String name, int max) {
        JsonNode node = root.get(name);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw new IllegalArgumentException("\"" + name + "\" must be a string");
        }
        String value = node.textValue();
        if (value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("\"" + name + "\" must not contain NUL characters");
        }
        if (value.length() > max) {
            throw new IllegalArgumentException("\"" + name + "\" is " + value.length() + " characters long; at most "
                    + max + " are taken");
        }
        return value;
    }

    /** @return the string, which must be there and not blank */
    String required(String name, int max) {
        String value = text(name, max);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("\"" + name + "\" is required");
        }
        return value;
    }

    /** @return one of the choices, or {@code null} when absent */
    String choice(String name, List<String> choices) {
        String value = text(name, 100);
        if (value == null) {
            return null;
        }
        if (!choices.contains(value)) {
            throw new IllegalArgumentException("\"" + name + "\" must be one of " + String.join(", ", choices)
                    + ", not \"" + value + "\"");
        }
        return value;
    }
}
