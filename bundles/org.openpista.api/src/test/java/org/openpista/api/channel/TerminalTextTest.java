package org.openpista.api.channel;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TerminalTextTest {

    @Test
    void escapeSequencesOfAHostileToolOutputAreShownNotObeyed() {
        // what issue #13 reproduced through system.run: clipboard write (OSC 52), clear screen, window title
        String hostile = "before\033]52;c;aGFja2Vk\007\033[2J\033]0;pwned\007after";

        String safe = TerminalText.safe(hostile);

        assertThat(safe).isEqualTo("before^[]52;c;aGFja2Vk^G^[[2J^[]0;pwned^Gafter");
        assertThat(safe.chars()).noneMatch(c -> c < 0x20);
    }

    @Test
    void newlinesTabsAndOrdinaryTextStay() {
        assertThat(TerminalText.safe("a\tb\nc — 한국어 ✓")).isEqualTo("a\tb\nc — 한국어 ✓");
        assertThat(TerminalText.safe("windows\r\nline")).isEqualTo("windows\nline");
        assertThat(TerminalText.safe(null)).isEmpty();
    }

    @Test
    void carriageReturnsEightBitControlsAndDirectionOverridesAreVisible() {
        assertThat(TerminalText.safe("rm -rf /\rls")).isEqualTo("rm -rf /^Mls");
        assertThat(TerminalText.safe("x\u009b2Jy")).isEqualTo("x\\u009b2Jy");
        assertThat(TerminalText.safe("invoice\u202efdp.exe")).isEqualTo("invoice\\u202efdp.exe");
        assertThat(TerminalText.safe("del\u007f")).isEqualTo("del^?");
    }
}
