package org.openpista.tui.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class QrTextTest {

    @Test
    void anAddressIsASquareOfHalfBlocks() {
        List<String> lines = QrText.lines("http://127.0.0.1:3210/#token=abcdef0123456789");
        // version 3 at level L: 29 modules and 2 of quiet zone on each side, two rows of modules per line
        assertThat(lines).hasSize(17).allSatisfy(line -> assertThat(line).hasSize(33).matches("[█▀▄ ]+"));
        assertThat(lines.get(0)).isEqualTo("█".repeat(33));
    }
}
