package org.openpista.config.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyLinesTest {

    private static final String TEXT = String.join("\n",
            "# comment with [brackets] and key = \"value\"",   // 1
            "title = \"x\" # trailing [comment]",              // 2
            "",                                                // 3
            "[agent]",                                         // 4
            "provider = \"openai\"",                           // 5
            "system_prompt = \"\"\"",                          // 6
            "line one",                                        // 7
            "[not.a.table] = still the string",               // 8
            "\"\"\"",                                          // 9
            "model = 'gpt-4o'",                                // 10
            "",                                                // 11
            "[channels.web]",                                  // 12
            "cors_origins = [",                                // 13
            "  \"https://a\", # first",                        // 14
            "  \"https://b\",",                                // 15
            "]",                                               // 16
            "port = 3210",                                     // 17
            "",                                                // 18
            "[[cron]]",                                        // 19
            "schedule = \"0 9 * * *\"",                        // 20
            "message = '''multi",                              // 21
            "line'''",                                         // 22
            "[[cron]]",                                        // 23
            "schedule = \"0 10 * * *\"",                       // 24
            "inline = { a = 1, \"b.c\" = 2 }",                 // 25
            "[\"odd key\".sub]",                               // 26
            "x.y = 1979-05-27 07:32:00Z",                      // 27
            "z = \"esc \\\" [q] \\u00e9\"",                    // 28
            "after = true");                                   // 29

    private final KeyLines lines = KeyLines.scan(TEXT);

    @Test
    void theScannedTextIsValidToml() throws Exception {
        assertThat(new TomlMapper().readTree(TEXT).path("agent").path("model").asText()).isEqualTo("gpt-4o");
    }

    @Test
    void findsKeysAndHeaders() {
        assertThat(line("title")).isEqualTo(2);
        assertThat(line("agent")).isEqualTo(4);
        assertThat(line("agent", "provider")).isEqualTo(5);
        assertThat(line("agent", "system_prompt")).isEqualTo(6);
        assertThat(line("agent", "model")).isEqualTo(10);
        assertThat(line("channels", "web")).isEqualTo(12);
        assertThat(line("channels")).isEqualTo(12);
        assertThat(line("channels", "web", "port")).isEqualTo(17);
        assertThat(line("after")).isEqualTo(0);
        assertThat(line("odd key", "sub", "after")).isEqualTo(29);
    }

    @Test
    void textInsideStringsAndCommentsIsNoKey() {
        assertThat(line("not")).isZero();
        assertThat(line("brackets")).isZero();
        assertThat(line("q")).isZero();
    }

    @Test
    void findsArrayElementsOnTheirOwnLines() {
        assertThat(lines.lineOf(List.of("channels", "web", "cors_origins", 0))).isEqualTo(14);
        assertThat(lines.lineOf(List.of("channels", "web", "cors_origins", 1))).isEqualTo(15);
    }

    @Test
    void countsArrayTables() {
        assertThat(line("cron")).isEqualTo(19);
        assertThat(lines.lineOf(List.of("cron", 0, "message"))).isEqualTo(21);
        assertThat(lines.lineOf(List.of("cron", 1))).isEqualTo(23);
        assertThat(lines.lineOf(List.of("cron", 1, "schedule"))).isEqualTo(24);
        assertThat(lines.lineOf(List.of("cron", 1, "inline", "b.c"))).isEqualTo(25);
    }

    @Test
    void quotedAndDottedKeys() {
        assertThat(line("odd key", "sub")).isEqualTo(26);
        assertThat(line("odd key", "sub", "x", "y")).isEqualTo(27);
        assertThat(line("odd key", "sub", "z")).isEqualTo(28);
        assertThat(KeyLines.render(List.of("odd key", "sub", "x"))).isEqualTo("\"odd key\".sub.x");
        assertThat(KeyLines.render(List.of("cron", 1, "schedule"))).isEqualTo("cron[1].schedule");
    }

    @Test
    void unknownPathsFallBackToTheNearestEnclosingKey() {
        assertThat(line("agent", "nothing")).isEqualTo(4);
        assertThat(line("nothing")).isZero();
    }

    private int line(Object... path) {
        return lines.lineOf(List.of(path));
    }

    @Test
    void windowsLineEnds() {
        KeyLines crlf = KeyLines.scan("[agent]\r\nprovider = \"x\"\r\n\r\n[channels.web]\r\nport = [\r\n 1,\r\n 2]\r\n");

        assertThat(crlf.lineOf(List.of("agent", "provider"))).isEqualTo(2);
        assertThat(crlf.lineOf(List.of("channels", "web"))).isEqualTo(4);
        assertThat(crlf.lineOf(List.of("channels", "web", "port", 1))).isEqualTo(7);
    }
}
