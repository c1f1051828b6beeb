package org.openpista.mcp.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openpista.mcp.internal.McpConnectionStatusTest.server;

import java.util.List;
import org.junit.jupiter.api.Test;

class PromptSectionTest {

    @Test
    void aServerThatFailedAndStartsAgainIsUnavailableWithWhyNotStarting() {
        String prompt = PromptSection.render(List.of(
                server("broken", "starting", "after: the process exited with status 3", 1, List.of(), List.of()),
                server("everything", "connected", "everything 1.0", 0, List.of("mcp.everything.echo"), List.of()),
                server("slow", "starting", "", 0, List.of(), List.of())));

        assertThat(prompt).contains("- broken: UNAVAILABLE (starting again after: the process exited with status 3); "
                + "its tools are missing: tell the user if the task needs them\n")
                .contains("- everything: connected, 1 tools\n")
                .contains("- slow: still starting; its tools are not available yet\n");
    }

    @Test
    void aFailedServerSaysWhy() {
        String prompt = PromptSection.render(List.of(
                server("broken", "failed", "the process exited with status 3; retrying in 1 s", 0, List.of(), List.of())));

        assertThat(prompt).contains("- broken: UNAVAILABLE (failed: the process exited with status 3; retrying in 1 s)");
    }
}
