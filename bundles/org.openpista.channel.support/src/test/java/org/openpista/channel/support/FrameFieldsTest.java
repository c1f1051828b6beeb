package org.openpista.channel.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** The fields of a client's frame as the web chat and the mobile channel read them. */
class FrameFieldsTest {

    final ObjectMapper json = new ObjectMapper();

    JsonNode frame(String text) throws IOException {
        return json.readTree(text);
    }

    @Test
    void fieldsOfTheWrongTypeBreakTheProtocol() throws Exception {
        JsonNode frame = frame("{\"text\":\"hi\",\"number\":5,\"yes\":true,\"nothing\":null}");

        assertThat(FrameFields.text(frame, "text")).isEqualTo("hi");
        assertThat(FrameFields.text(frame, "nothing")).isNull();
        assertThat(FrameFields.text(frame, "absent")).isNull();
        assertThatThrownBy(() -> FrameFields.text(frame, "number")).isInstanceOf(FrameFields.BadFrame.class)
                .hasMessage("\"number\" must be a string");
        assertThat(FrameFields.flag(frame, "yes", false)).isTrue();
        assertThat(FrameFields.flag(frame, "absent", true)).isTrue();
        assertThatThrownBy(() -> FrameFields.flag(frame, "text", false)).isInstanceOf(FrameFields.BadFrame.class)
                .hasMessage("\"text\" must be true or false");
    }

    @Test
    void idsAreShortAndFreeOfControlCharacters() throws Exception {
        String tooLong = "x".repeat(FrameFields.MAX_ID_LENGTH + 1);
        JsonNode frame = frame("{\"id\":\"s-1\",\"blank\":\" \",\"bell\":\"a\\u0007\",\"long\":\"" + tooLong + "\"}");

        assertThat(FrameFields.requiredId(frame, "id")).isEqualTo("s-1");
        assertThat(FrameFields.optionalId(frame, "blank")).isNull();
        assertThatThrownBy(() -> FrameFields.requiredId(frame, "blank")).isInstanceOf(FrameFields.BadFrame.class)
                .hasMessage("the frame needs a \"blank\" string");
        assertThatThrownBy(() -> FrameFields.optionalId(frame, "bell")).isInstanceOf(FrameFields.BadFrame.class);
        assertThatThrownBy(() -> FrameFields.optionalId(frame, "long")).isInstanceOf(FrameFields.BadFrame.class)
                .hasMessageContaining("1 to 200 characters");
        assertThat(FrameFields.validId("x".repeat(FrameFields.MAX_ID_LENGTH))).isTrue();
    }

    @Test
    void peersTextIsClippedAndErrorsSaidOnOneLine() {
        assertThat(FrameFields.clip("a\u001b[31mb")).isEqualTo("a?[31mb");
        assertThat(FrameFields.clip("y".repeat(100))).hasSize(64).endsWith("…");
        assertThat(FrameFields.oneLine(" two\n lines ")).isEqualTo("two lines");
        assertThat(FrameFields.oneLine(null)).isEmpty();
        assertThat(FrameFields.describe(new IOException("no\nroute"))).isEqualTo("no route");
        assertThat(FrameFields.describe(new IllegalStateException())).isEqualTo("IllegalStateException");
        assertThat(FrameFields.describe(null)).isEqualTo("unknown error");
    }
}
