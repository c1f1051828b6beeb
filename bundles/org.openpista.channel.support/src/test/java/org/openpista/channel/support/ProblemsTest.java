package org.openpista.channel.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;

/** An exception said in one line: its message, else its class. */
class ProblemsTest {

    @Test
    void anExceptionIsSaidByItsMessageElseByItsClass() {
        assertThat(Problems.describe(new IOException("connection reset"))).isEqualTo("connection reset");
        assertThat(Problems.describe(new ConnectException())).isEqualTo("ConnectException");
        assertThat(Problems.describe(new IllegalStateException(" "))).isEqualTo("IllegalStateException");
        // its own message only: the cause's is not looked for
        assertThat(Problems.describe(new RuntimeException((String) null, new IOException("inner"))))
                .isEqualTo("RuntimeException");
    }

    @Test
    void theFirstMessageIsLookedForAmongTheCauses() {
        assertThat(Problems.firstMessage(new IOException("outer", new IOException("inner")))).contains("outer");
        assertThat(Problems.firstMessage(new RuntimeException((String) null, new IOException("", new IOException("inner")))))
                .contains("inner");
        assertThat(Problems.firstMessage(new IOException(new ConnectException()))).contains("java.net.ConnectException");
        assertThat(Problems.firstMessage(new ConnectException())).isEmpty();
    }
}
