package org.openpista.terminal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openpista.terminal.KeyReader.Key;
import org.openpista.terminal.KeyReader.Kind;

/** The bytes terminals send for keys, as xterm, the Linux console and tmux send them. */
class KeyReaderTest {

    static List<Kind> kinds(String bytes) throws Exception {
        KeyReader reader = new KeyReader(new ByteArrayInputStream(bytes.getBytes(StandardCharsets.UTF_8)));
        List<Kind> kinds = new ArrayList<>();
        Kind kind;
        do {
            kind = reader.next().kind();
            kinds.add(kind);
        } while (kind != Kind.CANCEL);
        return kinds;
    }

    @Test
    void theArrowAndPageKeysInBothEscapeForms() throws Exception {
        assertThat(kinds("\033[A\033[B\033OA\033OB\033[5~\033[6~\033[H\033[F\033[1~\033[4~\033[7~\033[8~\033OH\033OF"))
                .containsExactly(Kind.UP, Kind.DOWN, Kind.UP, Kind.DOWN, Kind.PAGE_UP, Kind.PAGE_DOWN, Kind.HOME, Kind.END, Kind.HOME,
                        Kind.END, Kind.HOME, Kind.END, Kind.HOME, Kind.END, Kind.CANCEL);
    }

    @Test
    void controlKeysAndCharacters() throws Exception {
        assertThat(kinds("\r\n\177\b\025\020\016\t")).containsExactly(Kind.ENTER, Kind.ENTER, Kind.BACKSPACE, Kind.BACKSPACE, Kind.CLEAR,
                Kind.UP, Kind.DOWN, Kind.OTHER, Kind.CANCEL);
        assertThat(kinds("\003")).containsExactly(Kind.CANCEL);
        assertThat(kinds("\004")).containsExactly(Kind.CANCEL);
        KeyReader reader = new KeyReader(new ByteArrayInputStream("a~".getBytes(StandardCharsets.UTF_8)));
        assertThat(reader.next()).isEqualTo(new Key(Kind.CHARACTER, 'a'));
        assertThat(reader.next()).isEqualTo(new Key(Kind.CHARACTER, '~'));
        assertThat(reader.next()).isEqualTo(Key.of(Kind.CANCEL));
    }

    @Test
    void unknownSequencesAreOtherKeysNotCharacters() throws Exception {
        assertThat(kinds("\033[3~\033[C\033x")).containsExactly(Kind.OTHER, Kind.OTHER, Kind.OTHER, Kind.CANCEL);
    }

    @Test
    void anEscWithNothingFollowingIsTheEscKey() throws Exception {
        PipedOutputStream typed = new PipedOutputStream();
        try (InputStream keys = new PipedInputStream(typed)) {
            typed.write(0x1b);
            typed.flush();

            assertThat(new KeyReader(keys).next().kind()).as("no sequence arrived within the wait").isEqualTo(Kind.CANCEL);
            typed.close();
        }
    }
}
