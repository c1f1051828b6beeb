package org.openpista.tui.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyDecoderTest {

    /** Characters as a terminal sends them; the end of the text is a pause, then the end of input. */
    static List<Key> decode(String typed) throws Exception {
        int[] at = {0};
        KeyDecoder decoder = new KeyDecoder(timeout -> at[0] < typed.length() ? typed.charAt(at[0]++) : KeyDecoder.TIMEOUT);
        List<Key> keys = new ArrayList<>();
        Key key;
        while ((key = decoder.next(10)) != null) {
            keys.add(key);
        }
        return keys;
    }

    @Test
    void printableCharactersIncludingWideAndAstralOnes() throws Exception {
        assertThat(decode("a한😀")).containsExactly(Key.character("a"), Key.character("한"), Key.character("😀"));
    }

    @Test
    void arrowsAndEditingKeysInBothForms() throws Exception {
        assertThat(decode("\033[A\033[B\033OC\033OD\033[H\033[F\033[3~\033[5~\033[6~\033[1;5A\033[Z"))
                .extracting(Key::kind).containsExactly(Key.Kind.UP, Key.Kind.DOWN, Key.Kind.RIGHT, Key.Kind.LEFT,
                        Key.Kind.HOME, Key.Kind.END, Key.Kind.DELETE, Key.Kind.PAGE_UP, Key.Kind.PAGE_DOWN, Key.Kind.UP,
                        Key.Kind.BACKTAB);
    }

    @Test
    void escAloneIsEsc() throws Exception {
        assertThat(decode("\033")).containsExactly(Key.of(Key.Kind.ESC));
    }

    @Test
    void controlKeys() throws Exception {
        assertThat(decode("\r\n\t\u007f\u0003\u0013")).containsExactly(Key.of(Key.Kind.ENTER), Key.of(Key.Kind.NEWLINE),
                Key.of(Key.Kind.TAB), Key.of(Key.Kind.BACKSPACE), Key.ctrl('c'), Key.ctrl('s'));
        assertThat(decode("\033\r")).containsExactly(Key.of(Key.Kind.NEWLINE));
    }

    @Test
    void bracketedPasteKeepsLineEndsAsText() throws Exception {
        assertThat(decode("\033[200~line one\r\nline two\033[201~x"))
                .containsExactly(new Key(Key.Kind.PASTE, "line one\nline two"), Key.character("x"));
    }

    @Test
    void theEndOfInputIsReported() {
        KeyDecoder decoder = new KeyDecoder(timeout -> KeyDecoder.EOF);
        assertThatThrownBy(() -> decoder.next(10)).isInstanceOf(EOFException.class);
    }
}
