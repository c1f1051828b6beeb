package org.openpista.tool.system.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class OutputCaptureTest {

    @Test
    void keepsShortOutputWhole() throws Exception {
        OutputCapture capture = capture("héllo\n한글 😀\n", 100);
        assertThat(capture.text()).isEqualTo("héllo\n한글 😀\n");
    }

    @Test
    void outputOfExactlyTheCapIsNotCut() throws Exception {
        OutputCapture capture = capture("0123456789", 10);
        assertThat(capture.text()).isEqualTo("0123456789");
    }

    @Test
    void cutKeepsHeadAndTailAndCountsTheDroppedMiddleExactly() {
        // cap 10 keeps a tail of 10 / 5 = 2 characters and a head of 8
        OutputCapture capture = new OutputCapture(InputStream.nullInputStream(), 10);
        String input = "0123456789ABCDEFGHIJ";
        // odd chunk sizes so the tail ring wraps at several places
        for (int i = 0; i < input.length(); i += 3) {
            char[] chunk = input.substring(i, Math.min(input.length(), i + 3)).toCharArray();
            capture.append(chunk, 0, chunk.length);
        }
        assertThat(capture.totalChars()).isEqualTo(20);
        assertThat(capture.text()).isEqualTo("01234567\n[... 10 characters dropped ...]\nIJ");
    }

    @Test
    void oneCharacterOverTheCapIsDroppedAndSaidSo() {
        OutputCapture capture = new OutputCapture(InputStream.nullInputStream(), 10);
        char[] chars = "0123456789X".toCharArray();
        capture.append(chars, 0, chars.length);
        assertThat(capture.text()).isEqualTo("01234567\n[... 1 characters dropped ...]\n9X");
    }

    @Test
    void doesNotSplitSurrogatePairs() {
        OutputCapture capture = new OutputCapture(InputStream.nullInputStream(), 10);
        // head keeps 8 chars: the 8th is the high half of the emoji, so it goes too
        char[] chars = "0123456😀abcdefgh😀".toCharArray();
        capture.append(chars, 0, chars.length);
        String text = capture.text();
        assertThat(text).startsWith("0123456\n[... ").endsWith("\n😀");
        long dropped = chars.length - 7 - 2;
        assertThat(text).contains("[... " + dropped + " characters dropped ...]");
    }

    @Test
    void tailDoesNotStartWithALowSurrogate() {
        OutputCapture capture = new OutputCapture(InputStream.nullInputStream(), 10);
        char[] chars = "01234567ab😀x".toCharArray();
        capture.append(chars, 0, chars.length);
        assertThat(capture.text()).isEqualTo("01234567\n[... 4 characters dropped ...]\nx");
    }

    @Test
    void longStreamUsesBoundedMemoryAndReportsExactCount() throws Exception {
        byte[] data = "y\n".repeat(1_000_000).getBytes(StandardCharsets.UTF_8);
        OutputCapture capture = capture(new String(data, StandardCharsets.UTF_8), 1000);
        String text = capture.text();
        assertThat(text).contains("[... 1999000 characters dropped ...]");
        assertThat(text.length()).isLessThan(1100);
    }

    @Test
    void malformedUtf8BecomesReplacementCharacters() throws Exception {
        OutputCapture capture = new OutputCapture(
                new ByteArrayInputStream(new byte[] {'a', (byte) 0xff, 'b'}), 100);
        capture.run();
        assertThat(capture.text()).isEqualTo("a\uFFFDb");
    }

    @Test
    void rejectsANonPositiveCap() {
        assertThatThrownBy(() -> new OutputCapture(InputStream.nullInputStream(), 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static OutputCapture capture(String text, int cap) throws InterruptedException {
        OutputCapture capture = new OutputCapture(
                new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), cap);
        Thread thread = new Thread(capture);
        thread.start();
        assertThat(capture.awaitEnd(Duration.ofSeconds(10))).isTrue();
        return capture;
    }
}
