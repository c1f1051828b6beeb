package org.openpista.tool.browser.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class KeysTest {

    @Test
    void namedKeysAndAliases() {
        assertThat(Keys.parse("Enter").key()).isEqualTo(new Keys.Key("Enter", "Enter", 13, "\r"));
        assertThat(Keys.parse("return").key().key()).isEqualTo("Enter");
        assertThat(Keys.parse("esc").key().key()).isEqualTo("Escape");
        assertThat(Keys.parse("ArrowDown").key().keyCode()).isEqualTo(40);
        assertThat(Keys.parse("F5").key()).isEqualTo(new Keys.Key("F5", "F5", 116, ""));
        assertThat(Keys.parse("Space").types()).isTrue();
    }

    @Test
    void combinationsCarryTheirModifiers() {
        Keys.Press press = Keys.parse("Control+Shift+a");
        assertThat(press.modifiers()).extracting(Keys.Key::key).containsExactly("Control", "Shift");
        assertThat(press.modifierBits()).isEqualTo(2 | 8);
        assertThat(press.key()).isEqualTo(new Keys.Key("A", "KeyA", 65, "A"));
        assertThat(press.types()).as("Control+… is a shortcut, not typing").isFalse();
        assertThat(Keys.parse("Shift+Tab").key().key()).isEqualTo("Tab");
        assertThat(Keys.parse("Control++").key().key()).isEqualTo("+");
        assertThat(Keys.parse("+").key().text()).isEqualTo("+");
    }

    @Test
    void unknownNamesSayWhatWorks() {
        assertThatThrownBy(() -> Keys.parse("Hyper")).hasMessageContaining("unknown key \"Hyper\"")
                .hasMessageContaining("Control+a");
        assertThatThrownBy(() -> Keys.parse("Banana+x")).hasMessageContaining("not a modifier");
        assertThatThrownBy(() -> Keys.parse(" ")).hasMessageContaining("empty");
    }
}
