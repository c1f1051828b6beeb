package org.openpista.core.internal;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.openpista.api.chat.ToolCall;
import org.openpista.api.llm.ToolSpec;
import org.openpista.api.tool.Tool;
import org.openpista.api.tool.ToolContext;
import org.openpista.api.tool.ToolResult;

/** A tool that records its calls and answers with a fixed text. */
class FakeTool implements Tool {

    final String name;
    final String output;
    final List<ToolCall> calls = new CopyOnWriteArrayList<>();
    final List<ToolContext> contexts = new CopyOnWriteArrayList<>();

    FakeTool(String name, String output) {
        this.name = name;
        this.output = output;
    }

    @Override
    public ToolSpec spec() {
        return new ToolSpec(name, "test tool " + name, "{\"type\":\"object\",\"properties\":{}}");
    }

    @Override
    public ToolResult execute(ToolCall call, ToolContext context) {
        calls.add(call);
        contexts.add(context);
        return ToolResult.ok(output);
    }
}
