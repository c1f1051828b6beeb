package org.openpista.tool.screen.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The arguments of a {@code screen.capture} or {@code screen.ocr} call, checked. JSON {@code null}
 * counts as absent and unknown properties are ignored, as in {@code system.run}.
 *
 * @param region the rectangle to take, {@code null} for the whole screen
 * @param display the call's display, {@code null} for the configured one
 * @param lang the call's languages ({@code screen.ocr}), {@code null} for the configured ones
 */
record ScreenArguments(Region region, String display, String lang) {

    private static final String[] EDGES = {"x", "y", "width", "height"};

    /**
     * @throws IllegalArgumentException with a one-line message naming the problem
     */
    static ScreenArguments parse(String json, ObjectMapper mapper) {
        JsonNode root;
        try {
            root = mapper.readTree(json);
        } catch (JsonProcessingException e) {
            String message = e.getOriginalMessage();
            throw new IllegalArgumentException("arguments are not valid JSON: "
                    + (message == null ? "unexpected input" : message.replaceAll("\\s+", " ").strip()));
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("arguments must be a JSON object, for example {} or"
                    + " {\"region\": {\"x\": 0, \"y\": 0, \"width\": 800, \"height\": 600}}");
        }
        return new ScreenArguments(region(root.get("region")), text(root, "display"), text(root, "lang"));
    }

    /**
     * @return the boolean property {@code name}, false when absent
     * @throws IllegalArgumentException when it is there and no boolean
     */
    static boolean flag(String json, ObjectMapper mapper, String name) {
        JsonNode node;
        try {
            node = mapper.readTree(json).get(name);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("arguments are not valid JSON");
        }
        if (node == null || node.isNull()) {
            return false;
        }
        if (!node.isBoolean()) {
            throw new IllegalArgumentException("\"" + name + "\" must be true or false");
        }
        return node.booleanValue();
    }

    private static Region region(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException("\"region\" must be an object {\"x\", \"y\", \"width\", \"height\"} in"
                    + " pixels");
        }
        int[] values = new int[EDGES.length];
        for (int i = 0; i < EDGES.length; i++) {
            JsonNode value = node.get(EDGES[i]);
            if (value == null || !value.isNumber() || !value.canConvertToExactIntegral()) {
                throw new IllegalArgumentException("\"region\" needs \"" + EDGES[i] + "\" as a whole number of pixels");
            }
            long number = value.longValue();
            if (number < 0 || number > 65_535 || (i >= 2 && number < 1)) {
                throw new IllegalArgumentException("\"region\"." + EDGES[i] + " must be " + (i >= 2 ? "1" : "0")
                        + " to 65535, got " + value);
            }
            values[i] = (int) number;
        }
        return new Region(values[0], values[1], values[2], values[3]);
    }

    private static String text(JsonNode root, String name) {
        JsonNode node = root.get(name);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw new IllegalArgumentException("\"" + name + "\" must be a string");
        }
        String value = node.textValue().strip();
        if (value.isEmpty()) {
            return null;
        }
        if (value.length() > 200 || !value.matches("[A-Za-z0-9_.:/+,\\- \\[\\]]+")) {
            throw new IllegalArgumentException("\"" + name + "\" has characters no " + name + " has: " + value);
        }
        return value;
    }
}
