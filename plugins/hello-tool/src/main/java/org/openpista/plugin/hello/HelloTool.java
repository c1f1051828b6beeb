package org.openpista.plugin.hello;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.openpista.api.chat.ToolCall;
import org.openpista.api.llm.ToolSpec;
import org.openpista.api.tool.Tool;
import org.openpista.api.tool.ToolContext;
import org.openpista.api.tool.ToolResult;
import org.osgi.service.component.annotations.Component;

/**
 * The tool {@code hello.greet}: {@code {"name": "Ada"}} → {@code Hello, Ada!}. A Declarative
 * Services component registered as a {@link Tool} service with the property {@code tool.name};
 * the agent offers it to the model from the next turn on, and forgets it when the bundle goes.
 * Its spec is constant, so it publishes it as service properties too: the agent offers the tool
 * from them and activates the component only when the model first calls it.
 */
@Component(
        property = {
            Tool.NAME + "=" + HelloTool.NAME,
            Tool.DESCRIPTION + "=" + HelloTool.DESCRIPTION,
            Tool.PARAMETERS + "=" + HelloTool.PARAMETERS
        })
public class HelloTool implements Tool {

    static final String NAME = "hello.greet";

    static final String DESCRIPTION = "Greets someone by name. Use it when the user asks to greet a person.";

    /** One line (a component property): lines end in a backslash. */
    static final String PARAMETERS = """
            {"type": "object", \
            "properties": {"name": {"type": "string", "description": "who to greet"}}, \
            "required": ["name"]}""";

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public ToolSpec spec() {
        return new ToolSpec(NAME, DESCRIPTION, PARAMETERS);
    }

    @Override
    public ToolResult execute(ToolCall call, ToolContext context) {
        JsonNode arguments;
        try {
            arguments = JSON.readTree(call.arguments());
        } catch (JsonProcessingException e) {
            return ToolResult.error("the arguments are not JSON: " + e.getOriginalMessage());
        }
        JsonNode name = arguments == null ? null : arguments.get("name");
        if (name == null || !name.isTextual() || name.asText().isBlank()) {
            return ToolResult.error("hello.greet needs {\"name\": \"...\"}");
        }
        return ToolResult.ok("Hello, " + name.asText().strip() + "! Greetings from the hello-tool plugin.");
    }
}
