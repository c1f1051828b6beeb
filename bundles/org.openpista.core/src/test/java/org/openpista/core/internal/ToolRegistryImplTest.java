package org.openpista.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openpista.api.chat.Cancellation;
import org.openpista.api.chat.ToolCall;
import org.openpista.api.llm.ToolSpec;
import org.openpista.api.tool.Tool;
import org.openpista.api.tool.ToolContext;
import org.openpista.api.tool.ToolResult;
import org.osgi.framework.Constants;

class ToolRegistryImplTest {

    final ToolRegistryImpl registry = new ToolRegistryImpl();
    final ToolContext context = new ToolContext("s", "cli", Path.of("/tmp"), Instant.now().plusSeconds(60), Cancellation.none());

    @Test
    void listsToolsSortedByName() {
        registry.addTool(new FakeTool("b.tool", "b"), new FakeServiceReference<>(Map.of(Tool.NAME, "b.tool")));
        registry.addTool(new FakeTool("a.tool", "a"), new FakeServiceReference<>(Map.of(Tool.NAME, "a.tool")));

        assertThat(registry.tools()).extracting(ToolSpec::name).containsExactly("a.tool", "b.tool");
    }

    @Test
    void unknownToolIsAnErrorNamingTheAvailableOnes() {
        registry.addTool(new FakeTool("a.tool", "a"), new FakeServiceReference<>(Map.of(Tool.NAME, "a.tool")));

        ToolResult result = registry.invoke(new ToolCall("1", "nope", "{}"), context);

        assertThat(result.error()).isTrue();
        assertThat(result.content()).contains("unknown tool \"nope\"").contains("a.tool");
    }

    @Test
    void failingToolBecomesAnErrorResult() {
        Tool broken = new FakeTool("x.tool", "") {
            @Override
            public ToolResult execute(ToolCall call, ToolContext ctx) {
                throw new IllegalArgumentException("bad things");
            }
        };
        registry.addTool(broken, new FakeServiceReference<>(Map.of(Tool.NAME, "x.tool")));

        ToolResult result = registry.invoke(new ToolCall("1", "x.tool", "{}"), context);

        assertThat(result.error()).isTrue();
        assertThat(result.content()).isEqualTo("tool x.tool failed: bad things");
    }

    @Test
    void higherRankingWinsAndTheOtherTakesOverWhenItLeaves() {
        FakeServiceReference<Tool> low = new FakeServiceReference<>(Map.of(Tool.NAME, "t", Constants.SERVICE_RANKING, 0));
        FakeServiceReference<Tool> high = new FakeServiceReference<>(Map.of(Tool.NAME, "t", Constants.SERVICE_RANKING, 10));
        FakeTool lowTool = new FakeTool("t", "low");
        FakeTool highTool = new FakeTool("t", "high");
        registry.addTool(lowTool, low);
        registry.addTool(highTool, high);

        assertThat(registry.invoke(new ToolCall("1", "t", "{}"), context).content()).isEqualTo("high");
        registry.removeTool(highTool, high);
        assertThat(registry.invoke(new ToolCall("2", "t", "{}"), context).content()).isEqualTo("low");
        registry.removeTool(lowTool, low);
        assertThat(registry.tools()).isEmpty();
    }

    @Test
    void toolWithoutNamePropertyIsIgnored() {
        registry.addTool(new FakeTool("x", "x"), new FakeServiceReference<>(Map.of()));
        assertThat(registry.tools()).isEmpty();
    }
}
