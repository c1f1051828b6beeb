package org.openpista.provider.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openpista.api.chat.ChatMessage;
import org.openpista.api.chat.ToolCall;
import org.openpista.api.llm.ChatRequest;
import org.openpista.api.llm.ProviderException;
import org.openpista.api.llm.ProviderException.Kind;
import org.openpista.api.llm.ToolSpec;

class ToolNamesTest {

    private final List<String> collisions = new ArrayList<>();
    private final ToolNames.Collision refuse = (earlier, name, wire) -> {
        collisions.add(earlier + "|" + name + "|" + wire);
        return new ProviderException(Kind.BAD_REQUEST, "'" + earlier + "' and '" + name + "' are both '" + wire + "'");
    };

    @Test
    void sanitisesToTheWirePatternAndMapsBackExactly() throws ProviderException {
        String longName = "x".repeat(70);
        ToolNames names = ToolNames.builder(refuse)
                .add("system.run").add("browser.navigate").add("skill:hello world").add("plain_name-1").add(longName)
                .build();

        assertThat(names.wire("system.run")).isEqualTo("system_run");
        assertThat(names.wire("skill:hello world")).isEqualTo("skill_hello_world");
        assertThat(names.wire("plain_name-1")).isEqualTo("plain_name-1");
        assertThat(names.wire(longName)).isEqualTo("x".repeat(64));
        assertThat(names.original("system_run")).isEqualTo("system.run");
        assertThat(names.original("browser_navigate")).isEqualTo("browser.navigate");
        assertThat(names.original("skill_hello_world")).isEqualTo("skill:hello world");
        assertThat(names.original("plain_name-1")).isEqualTo("plain_name-1");
        assertThat(names.original("x".repeat(64))).isEqualTo(longName);
    }

    @Test
    void passesUnknownNamesThroughUnchanged() throws ProviderException {
        ToolNames names = ToolNames.builder(refuse).add("system.run").build();

        assertThat(names.original("not_offered")).isEqualTo("not_offered");
        assertThat(names.wire("gone.tool")).isEqualTo("gone_tool");
        assertThat(names.wire(null)).isEmpty();
        assertThat(names.original(null)).isEmpty();
    }

    @Test
    void cutsLongNamesTo64AndNeverLeavesThemEmpty() {
        assertThat(ToolNames.sanitise("a".repeat(70))).hasSize(64);
        assertThat(ToolNames.sanitise("a.b".repeat(30))).matches("^[a-zA-Z0-9_-]{1,64}$");
        assertThat(ToolNames.sanitise("mcp:files/read")).isEqualTo("mcp_files_read");
        assertThat(ToolNames.sanitise("")).isEqualTo("_");
    }

    @Test
    void refusesNamesThatCollideOnTheWireInTheCallersWords() {
        ProviderException error = catchThrowableOfType(ProviderException.class,
                () -> ToolNames.builder(refuse).add("fs.read").add("fs_read"));

        assertThat(error.kind()).isEqualTo(Kind.BAD_REQUEST);
        assertThat(error.getMessage()).isEqualTo("'fs.read' and 'fs_read' are both 'fs_read'");
    }

    @Test
    void refusesCollisionsFromCuttingAndNamesAddedTwice() {
        String base = "x".repeat(64);

        catchThrowableOfType(ProviderException.class, () -> ToolNames.builder(refuse).add(base + "_one").add(base + "_two"));
        catchThrowableOfType(ProviderException.class, () -> ToolNames.builder(refuse).add("system.run").add("system.run"));

        assertThat(collisions).containsExactly(base + "_one|" + base + "_two|" + base, "system.run|system.run|system_run");
    }

    @Test
    void mapsTheToolsOfARequestAndTheToolsItsHistoryCalledOnce() throws ProviderException {
        ChatRequest request = new ChatRequest("", "", List.of(
                ChatMessage.user("hi"),
                ChatMessage.assistant("", List.of(new ToolCall("c1", "browser.open/tab", "{}"), new ToolCall("c2", "system.run", "{}")))),
                List.of(new ToolSpec("system.run", "", null), new ToolSpec("mcp:files", "", null)), 0, null);

        ToolNames names = ToolNames.of(request, refuse);

        assertThat(names.wire("system.run")).isEqualTo("system_run");
        assertThat(names.wire("mcp:files")).isEqualTo("mcp_files");
        assertThat(names.original("browser_open_tab")).isEqualTo("browser.open/tab");
        assertThat(collisions).isEmpty();
    }

    @Test
    void checksOfferedToolsBeforeTheOnesTheHistoryCalled() {
        List<ChatMessage> history = List.of(ChatMessage.user("hi"),
                ChatMessage.assistant("", List.of(new ToolCall("c1", "mcp/files", "{}"))));

        catchThrowableOfType(ProviderException.class, () -> ToolNames.of(
                new ChatRequest("", "", history, List.of(new ToolSpec("mcp:files", "", null)), 0, null), refuse));

        assertThat(collisions).containsExactly("mcp:files|mcp/files|mcp_files");
    }
}
