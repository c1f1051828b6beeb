package org.openpista.channel.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WebSocketTextTest {

    private final List<Long> skipped = new ArrayList<>();
    private final WebSocketText text = new WebSocketText(10, skipped::add);

    @Test
    void putsAMessageTogetherFromItsParts() {
        assertThat(text.add("hello ", false)).isNull();
        assertThat(text.add("you", true)).isEqualTo("hello you");
        assertThat(text.add("next", true)).isEqualTo("next");
        assertThat(skipped).isEmpty();
    }

    @Test
    void aMessageOfExactlyTheLimitIsHandedOver() {
        assertThat(text.add("12345", false)).isNull();
        assertThat(text.add("67890", true)).isEqualTo("1234567890");
    }

    @Test
    void skipsALargerMessageOnceAtItsLastPartAndTakesTheNext() {
        assertThat(text.add("123456", false)).isNull();
        assertThat(text.add("7890A", false)).isNull();
        assertThat(skipped).isEmpty();
        assertThat(text.add("BC", true)).isNull();
        assertThat(skipped).containsExactly(13L);

        assertThat(text.add("ok", true)).isEqualTo("ok");
        assertThat(skipped).containsExactly(13L);
    }

    @Test
    void aSinglePartOverTheLimitIsSkipped() {
        assertThat(text.add("x".repeat(11), true)).isNull();
        assertThat(skipped).containsExactly(11L);
    }
}
