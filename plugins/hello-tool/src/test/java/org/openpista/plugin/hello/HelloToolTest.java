package org.openpista.plugin.hello;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.openpista.api.chat.Cancellation;
import org.openpista.api.chat.ToolCall;
import org.openpista.api.tool.ToolContext;
import org.openpista.api.tool.ToolResult;

class HelloToolTest {

    final HelloTool tool = new HelloTool();
    final ToolContext context = new ToolContext("s1", "cli", Path.of("."), Instant.now().plusSeconds(10), Cancellation.none());

    ToolResult call(String arguments) {
        return tool.execute(new ToolCall("c1", "hello.greet", arguments), context);
    }

    @Test
    void greetsByName() {
        ToolResult result = call("{\"name\":\"Ada\"}");

        assertThat(result.error()).isFalse();
        assertThat(result.content()).isEqualTo("Hello, Ada! Greetings from the hello-tool plugin.");
    }

    @Test
    void badArgumentsAreToldToTheModel() {
        assertThat(call("{}").error()).isTrue();
        assertThat(call("{\"name\": 3}").content()).contains("needs {\"name\"");
        assertThat(call("not json").content()).startsWith("the arguments are not JSON");
    }

    @Test
    void theSpecIsWhatTheServicePropertiesPublishOnOneLine() {
        assertThat(tool.spec().description()).isEqualTo(HelloTool.DESCRIPTION);
        assertThat(tool.spec().parametersSchema()).isEqualTo(HelloTool.PARAMETERS).doesNotContain("\n");
    }

    @Test
    void theSpecNamesTheTool() {
        assertThat(tool.spec().name()).isEqualTo("hello.greet");
        assertThat(tool.spec().parametersSchema()).contains("\"name\"");
    }
}
