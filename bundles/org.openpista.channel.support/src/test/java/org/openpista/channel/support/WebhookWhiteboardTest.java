package org.openpista.channel.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Dictionary;
import org.junit.jupiter.api.Test;
import org.osgi.service.servlet.whiteboard.HttpWhiteboardConstants;

/** The whiteboard properties are spelt out (the servlet API may be absent); they must be the constants'. */
class WebhookWhiteboardTest {

    @Test
    void theServletPropertiesAreTheWhiteboardsOwn() {
        Dictionary<String, Object> properties = WebhookWhiteboard.servletProperties("/telegram/webhook",
                "openpista-telegram-webhook");

        assertThat(properties.get(HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_PATTERN)).isEqualTo("/telegram/webhook");
        assertThat(properties.get(HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_NAME))
                .isEqualTo("openpista-telegram-webhook");
        assertThat(properties.size()).isEqualTo(2);
    }
}
