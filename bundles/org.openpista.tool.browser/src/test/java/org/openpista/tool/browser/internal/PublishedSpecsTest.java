package org.openpista.tool.browser.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.api.llm.ToolSpec;

/**
 * The browser tools' specs are constants, published as service properties too (the component
 * annotations use the same {@code DESCRIPTION} and {@code PARAMETERS}; that the properties SCR reads
 * equal {@code spec()} is checked in a framework by the itests' ToolsInFrameworkTest).
 */
class PublishedSpecsTest {

    @TempDir
    Path home;

    static final Map<String, String[]> PUBLISHED = Map.ofEntries(
            Map.entry(BackTool.NAME, new String[] {BackTool.DESCRIPTION, BackTool.PARAMETERS}),
            Map.entry(ClickTool.NAME, new String[] {ClickTool.DESCRIPTION, ClickTool.PARAMETERS}),
            Map.entry(HoverTool.NAME, new String[] {HoverTool.DESCRIPTION, HoverTool.PARAMETERS}),
            Map.entry(NavigateTool.NAME, new String[] {NavigateTool.DESCRIPTION, NavigateTool.PARAMETERS}),
            Map.entry(PressTool.NAME, new String[] {PressTool.DESCRIPTION, PressTool.PARAMETERS}),
            Map.entry(ScreenshotTool.NAME, new String[] {ScreenshotTool.DESCRIPTION, ScreenshotTool.PARAMETERS}),
            Map.entry(SelectTool.NAME, new String[] {SelectTool.DESCRIPTION, SelectTool.PARAMETERS}),
            Map.entry(SnapshotTool.NAME, new String[] {SnapshotTool.DESCRIPTION, SnapshotTool.PARAMETERS}),
            Map.entry(TabsTool.NAME, new String[] {TabsTool.DESCRIPTION, TabsTool.PARAMETERS}),
            Map.entry(TypeTool.NAME, new String[] {TypeTool.DESCRIPTION, TypeTool.PARAMETERS}),
            Map.entry(WaitTool.NAME, new String[] {WaitTool.DESCRIPTION, WaitTool.PARAMETERS}));

    @Test
    void everyToolsSpecIsItsPublishedConstantsWhateverTheConfiguration() throws Exception {
        try (Harness small = new Harness(home, 60, new String[0], new String[0], 1000);
                Harness large = new Harness(home, 60, new String[0], new String[0], 50_000)) {
            for (Map.Entry<String, String[]> tool : PUBLISHED.entrySet()) {
                ToolSpec spec = new ToolSpec(tool.getKey(), tool.getValue()[0], tool.getValue()[1]);
                assertThat(small.spec(tool.getKey())).as(tool.getKey()).isEqualTo(spec);
                assertThat(large.spec(tool.getKey())).as(tool.getKey()).isEqualTo(spec);
                JsonNode schema = new ObjectMapper().readTree(tool.getValue()[1]);
                assertThat(schema.path("type").asText()).as(tool.getKey()).isEqualTo("object");
                assertThat(schema.path("properties").isObject()).as(tool.getKey()).isTrue();
                assertThat(tool.getValue()[0]).as("one line: a component property").doesNotContain("\n");
                assertThat(tool.getValue()[1]).doesNotContain("\n");
            }
            assertThat(PUBLISHED.keySet()).containsExactlyInAnyOrderElementsOf(small.names());
        }
    }

    @Test
    void theSchemasNameTheArgumentsTheToolsRead() throws Exception {
        ObjectMapper json = new ObjectMapper();
        assertThat(json.readTree(ClickTool.PARAMETERS).path("properties").fieldNames()).toIterable()
                .containsExactly("ref", "selector", "element");
        assertThat(json.readTree(NavigateTool.PARAMETERS).path("required").get(0).asText()).isEqualTo("url");
        JsonNode timeout = json.readTree(WaitTool.PARAMETERS).path("properties").path("timeout");
        assertThat(timeout.path("maximum").asInt()).isEqualTo(120);
        assertThat(timeout.path("description").asText()).isEqualTo("Seconds to wait at most (default 10).");
        assertThat(json.readTree(SelectTool.PARAMETERS).path("properties").path("value").path("type").toString())
                .isEqualTo("[\"string\",\"array\"]");
    }
}
