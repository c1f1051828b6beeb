package org.openpista.tool.system.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigInteger;
import java.util.Locale;

/**
 * The arguments of one {@code system.run} call, checked.
 *
 * @param command the bash command line, not blank
 * @param cwd the working directory as given, or {@code null} for the workspace
 * @param timeoutSecs the timeout in seconds, or {@code null} for the configured default
 */
record RunArguments(String command, String cwd, Integer timeoutSecs) {

    /**
     * Parses the JSON arguments of a call. JSON {@code null} counts as absent. Unknown properties
     * are ignored. Following JSON Schema, {@code 5.0} is an integer and {@code "5"} is not.
     *
     * @throws IllegalArgumentException with a one-line message naming the problem
     */
    static RunArguments parse(String json, ObjectMapper mapper, int maxTimeoutSecs) {
        JsonNode root;
        try {
            root = mapper.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("arguments are not valid JSON: " + oneLine(e.getOriginalMessage()));
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("arguments must be a JSON object like {\"command\": \"ls\"}");
        }
        JsonNode command = root.get("command");
        if (command == null || command.isNull()) {
            throw new IllegalArgumentException("\"command\" is required");
        }
        if (!command.isTextual()) {
            throw new IllegalArgumentException("\"command\" must be a string, got " + kind(command));
        }
        if (command.textValue().isBlank()) {
            throw new IllegalArgumentException("\"command\" must not be empty");
        }
        if (command.textValue().indexOf('\0') >= 0) {
            throw new IllegalArgumentException("\"command\" must not contain NUL characters");
        }
        String cwd = null;
        JsonNode cwdNode = root.get("cwd");
        if (cwdNode != null && !cwdNode.isNull()) {
            if (!cwdNode.isTextual()) {
                throw new IllegalArgumentException("\"cwd\" must be a string, got " + kind(cwdNode));
            }
            cwd = cwdNode.textValue().isBlank() ? null : cwdNode.textValue().strip();
        }
        Integer timeout = null;
        JsonNode timeoutNode = root.get("timeout_secs");
        if (timeoutNode != null && !timeoutNode.isNull()) {
            if (!timeoutNode.isNumber() || !timeoutNode.canConvertToExactIntegral()) {
                throw new IllegalArgumentException(
                        "\"timeout_secs\" must be a whole number of seconds, got " + kind(timeoutNode));
            }
            BigInteger value = timeoutNode.bigIntegerValue();
            if (value.signum() <= 0) {
                throw new IllegalArgumentException("\"timeout_secs\" must be at least 1, got " + value);
            }
            if (value.compareTo(BigInteger.valueOf(maxTimeoutSecs)) > 0) {
                throw new IllegalArgumentException(
                        "\"timeout_secs\" must be at most " + maxTimeoutSecs + ", got " + value);
            }
            timeout = value.intValue();
        }
        return new RunArguments(command.textValue(), cwd, timeout);
    }

    private static String kind(JsonNode node) {
        if (node.isTextual()) {
            return "the string " + abbreviate(node.toString());
        }
        if (node.isNumber() || node.isBoolean()) {
            return node.getNodeType().name().toLowerCase(Locale.ROOT) + " " + node;
        }
        return "an " + node.getNodeType().name().toLowerCase(Locale.ROOT);
    }

    private static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "...";
    }

    private static String oneLine(String message) {
        return message == null ? "unexpected input" : message.replaceAll("\\s+", " ").strip();
    }
}
