package org.openpista.api.llm;

import java.util.Objects;

/**
 * What the model is told about one tool.
 *
 * @param name the tool's own name, for example {@code system.run}; providers sanitise it for their
 *     wire format and map it back exactly
 * @param description the text the model reads to decide when to call the tool
 * @param parametersSchema a JSON Schema of type {@code object} describing the arguments, as text
 */
public record ToolSpec(String name, String description, String parametersSchema) {
    public ToolSpec {
        Objects.requireNonNull(name, "name");
        description = description == null ? "" : description;
        parametersSchema = parametersSchema == null || parametersSchema.isBlank()
                ? "{\"type\":\"object\",\"properties\":{}}"
                : parametersSchema;
    }
}
