package org.openpista.provider.openai.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.openpista.api.llm.ProviderException;
import org.openpista.api.llm.ProviderException.Kind;
import org.openpista.api.llm.ToolSpec;
import org.openpista.provider.support.ToolNames;

class ToolNamesTest {

    @Test
    void sanitisesToTheWirePatternAndMapsBackExactly() throws ProviderException {
        ToolNames names = RequestBody.toolNames(List.of(tool("system.run"), tool("browser.navigate"), tool("skill:hello world"),
                tool("plain_name-1")), "OpenAI");

        assertThat(names.wire("system.run")).isEqualTo("system_run");
        assertThat(names.wire("skill:hello world")).isEqualTo("skill_hello_world");
        assertThat(names.wire("plain_name-1")).isEqualTo("plain_name-1");
        assertThat(names.original("system_run")).isEqualTo("system.run");
        assertThat(names.original("browser_navigate")).isEqualTo("browser.navigate");
        assertThat(names.original("skill_hello_world")).isEqualTo("skill:hello world");
        assertThat(names.original("plain_name-1")).isEqualTo("plain_name-1");
    }

    @Test
    void passesUnknownNamesThroughUnchanged() throws ProviderException {
        ToolNames names = RequestBody.toolNames(List.of(tool("system.run")), "OpenAI");

        assertThat(names.original("not_offered")).isEqualTo("not_offered");
        assertThat(names.wire("gone.tool")).isEqualTo("gone_tool");
    }

    @Test
    void cutsLongNamesTo64() {
        assertThat(ToolNames.sanitise("a".repeat(70))).hasSize(64);
        assertThat(ToolNames.sanitise("a.b".repeat(30))).matches("^[a-zA-Z0-9_-]{1,64}$");
    }

    @Test
    void refusesNamesThatCollideOnTheWire() {
        ProviderException error = catchThrowableOfType(ProviderException.class,
                () -> RequestBody.toolNames(List.of(tool("fs.read"), tool("fs_read")), "OpenAI"));

        assertThat(error.kind()).isEqualTo(Kind.BAD_REQUEST);
        assertThat(error.getMessage()).isEqualTo("The tools 'fs.read' and 'fs_read' would both be called 'fs_read' on the"
                + " OpenAI wire, which allows only letters, digits, '_' and '-' (at most 64): rename one of them");
    }

    @Test
    void refusesCollisionsFromCuttingAndDuplicates() {
        String base = "x".repeat(64);
        ProviderException cut = catchThrowableOfType(ProviderException.class,
                () -> RequestBody.toolNames(List.of(tool(base + "_one"), tool(base + "_two")), "OpenAI"));
        ProviderException twice = catchThrowableOfType(ProviderException.class,
                () -> RequestBody.toolNames(List.of(tool("system.run"), tool("system.run")), "OpenAI"));

        assertThat(cut.kind()).isEqualTo(Kind.BAD_REQUEST);
        assertThat(twice.getMessage()).isEqualTo("The tool 'system.run' is offered twice");
    }

    private static ToolSpec tool(String name) {
        return new ToolSpec(name, "", null);
    }
}
