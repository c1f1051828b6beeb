package org.openpista.skills.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;

/**
 * Checks a call's arguments against the skill's schema before anything runs: a JSON object, the
 * required keys present, and the top-level values of the declared JSON type. Deeper schema rules
 * are the skill's own business.
 */
final class Arguments {

    private Arguments() {}

    /**
     * @return the parsed arguments
     * @throws IllegalArgumentException with a one-line reason for the model
     */
    static JsonNode check(String arguments, String schemaText, ObjectMapper mapper) {
        JsonNode args;
        try {
            args = mapper.readTree(arguments == null || arguments.isBlank() ? "{}" : arguments);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the arguments are not valid JSON: " + SkillFile.oneLine(e.getOriginalMessage()));
        }
        if (args == null || !args.isObject()) {
            throw new IllegalArgumentException("the arguments must be a JSON object");
        }
        JsonNode schema;
        try {
            schema = mapper.readTree(schemaText);
        } catch (JsonProcessingException e) {
            return args;
        }
        for (JsonNode required : schema.path("required")) {
            if (!args.has(required.asText()) || args.get(required.asText()).isNull()) {
                throw new IllegalArgumentException("the argument \"" + required.asText() + "\" is required");
            }
        }
        for (Map.Entry<String, JsonNode> property : schema.path("properties").properties()) {
            JsonNode value = args.get(property.getKey());
            String type = property.getValue().path("type").asText("");
            if (value != null && !value.isNull() && !type.isEmpty() && !fits(value, type)) {
                throw new IllegalArgumentException("the argument \"" + property.getKey() + "\" must be of type " + type);
            }
        }
        return args;
    }

    private static boolean fits(JsonNode value, String type) {
        return switch (type) {
            case "string" -> value.isTextual();
            case "integer" -> value.isIntegralNumber();
            case "number" -> value.isNumber();
            case "boolean" -> value.isBoolean();
            case "array" -> value.isArray();
            case "object" -> value.isObject();
            default -> true;
        };
    }
}
