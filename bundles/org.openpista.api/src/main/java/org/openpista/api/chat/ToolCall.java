package org.openpista.api.chat;

import java.util.Objects;

/**
 * One call of a tool requested by the model.
 *
 * @param id the provider-assigned call id that the tool result must answer
 * @param name the tool's own name as registered (for example {@code system.run}), never a
 *     wire-sanitised alias
 * @param arguments the arguments as the text of a JSON object ({@code "{}"} when empty)
 */
public record ToolCall(String id, String name, String arguments) {
    public ToolCall {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        arguments = arguments == null || arguments.isBlank() ? "{}" : arguments;
    }
}
