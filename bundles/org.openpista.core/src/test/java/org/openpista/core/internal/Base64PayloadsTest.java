package org.openpista.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.openpista.api.tool.ToolResult;

class Base64PayloadsTest {

    static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3};

    @Test
    void base64FieldsBecomeAttachmentsAndANote() {
        String content = "{\"ok\":true,\"shots\":[{\"mime_type\":\"image/jpeg\",\"name\":\"a.jpg\",\"data_b64\":\""
                + Base64.getEncoder().encodeToString(PNG) + "\"}]}";

        ToolResult stripped = Base64Payloads.strip(ToolResult.ok(content));

        assertThat(stripped.content()).doesNotContain(Base64.getEncoder().encodeToString(PNG))
                .contains("[7 bytes, shown to the user as an image]").contains("\"ok\":true");
        assertThat(stripped.attachments()).singleElement().satisfies(attachment -> {
            assertThat(attachment.mimeType()).isEqualTo("image/jpeg");
            assertThat(attachment.name()).isEqualTo("a.jpg");
            assertThat(attachment.data()).isEqualTo(PNG);
        });
        assertThat(stripped.error()).isFalse();
    }

    @Test
    void otherContentIsLeftAlone() {
        for (String content : new String[] {"plain data_b64 text", "{\"data_b64\": 5}", "{\"data_b64\": \"***\"}", "{broken"}) {
            ToolResult result = ToolResult.ok(content);
            assertThat(Base64Payloads.strip(result)).isSameAs(result);
        }
    }
}
