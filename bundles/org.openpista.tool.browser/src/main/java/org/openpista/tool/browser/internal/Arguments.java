package org.openpista.tool.browser.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;

/**
 * The arguments of one call, read with one-line errors. JSON {@code null} counts as absent, unknown
 * properties are ignored.
 */
final class Arguments {

    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final JsonNode root;

    private Arguments(JsonNode root) {
        this.root = root;
    }

    /** @throws BrowserException {@code invalid_arguments} when the text is not a JSON object */
    static Arguments parse(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json == null || json.isBlank() ? "{}" : json);
        } catch (JsonProcessingException e) {
            throw invalid("the arguments are not valid JSON: " + e.getOriginalMessage().replaceAll("\\s+", " "));
        }
        if (root == null || !root.isObject()) {
            throw invalid("the arguments must be a JSON object");
        }
        return new Arguments(root);
    }

    /** @return whether the argument is given */
    boolean has(String name) {
        JsonNode node = root.get(name);
        return node != null && !node.isNull();
    }

    /** @return a string argument, or {@code null} when absent */
    String string(String name) {
        JsonNode node = root.get(name);
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isNumber() || node.isBoolean()) {
            return node.asText();
        }
        throw invalid("\"" + name + "\" must be a string");
    }

    /** @return a string argument that must be there and not be blank */
    String required(String name) {
        String value = string(name);
        if (value == null || value.isBlank()) {
            throw invalid("\"" + name + "\" is required");
        }
        return value;
    }

    /** @return a boolean argument ({@code "true"} accepted), or the default */
    boolean bool(String name, boolean fallback) {
        JsonNode node = root.get(name);
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isTextual() && (node.textValue().equalsIgnoreCase("true") || node.textValue().equalsIgnoreCase("false"))) {
            return Boolean.parseBoolean(node.textValue());
        }
        throw invalid("\"" + name + "\" must be true or false");
    }

    /** @return a whole-number argument within bounds, or the default */
    int integer(String name, int fallback, int min, int max) {
        JsonNode node = root.get(name);
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (node.isTextual() && node.textValue().strip().matches("-?\\d{1,9}")) {
            node = JSON.getNodeFactory().numberNode(Integer.parseInt(node.textValue().strip()));
        }
        if (!node.isNumber() || !node.canConvertToExactIntegral() || !node.canConvertToInt()) {
            throw invalid("\"" + name + "\" must be a whole number");
        }
        int value = node.intValue();
        if (value < min || value > max) {
            throw invalid("\"" + name + "\" must be between " + min + " and " + max + ", got " + value);
        }
        return value;
    }

    /** @return a number argument (seconds may be fractional) within bounds, or the default */
    double number(String name, double fallback, double min, double max) {
        JsonNode node = root.get(name);
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.isNumber()) {
            throw invalid("\"" + name + "\" must be a number");
        }
        double value = node.doubleValue();
        if (value < min || value > max) {
            throw invalid("\"" + name + "\" must be between " + min + " and " + max + ", got " + value);
        }
        return value;
    }

    /** @return a string or an array of strings, empty when absent */
    List<String> strings(String name) {
        JsonNode node = root.get(name);
        List<String> values = new ArrayList<>();
        if (node == null || node.isNull()) {
            return values;
        }
        if (node.isArray()) {
            for (JsonNode item : node) {
                if (!item.isTextual() && !item.isNumber()) {
                    throw invalid("\"" + name + "\" must be a string or a list of strings");
                }
                values.add(item.asText());
            }
            return values;
        }
        values.add(string(name));
        return values;
    }

    /** @return the element the call names: {@code ref}, {@code selector}, or visible text ({@code element}, or {@code textKey}) */
    Locator.Query element(String textKey) {
        String element = blankToNull(string("element"));
        if (element == null && textKey != null) {
            element = blankToNull(string(textKey));
        }
        return new Locator.Query(blankToNull(string("ref")), blankToNull(string("selector")), element);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    static BrowserException invalid(String message) {
        return new BrowserException(BrowserException.Kind.INVALID_ARGUMENTS, message);
    }
}
