package org.openpista.channel.web.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Jetty's DEBUG lines never carry a token into the log (issue #13, item 5): lines as Jetty 12
 * writes them (taken from a run with DEBUG on), logged through java.util.logging as in the daemon.
 */
class LogRedactionTest {

    static final String TOKEN = "planted-token-0123456789abcdef";
    static final String SESSION = "ab12".repeat(16);

    final List<String> written = new ArrayList<>();
    final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            String text = new SimpleFormatter().formatMessage(record);
            written.add(record.getLoggerName() + " " + text + (record.getThrown() == null ? "" : " " + record.getThrown()));
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };
    final Logger root = Logger.getLogger("");
    Level rootLevel;
    Handler[] rootHandlers;
    TestServer server;
    LogRedaction redaction;

    @BeforeEach
    void install() throws Exception {
        rootLevel = root.getLevel();
        // the JVM's console handler would print the test's lines into the build output
        rootHandlers = root.getHandlers();
        for (Handler handler : rootHandlers) {
            root.removeHandler(handler);
        }
        root.setLevel(Level.FINEST);
        root.addHandler(capture);
        server = new TestServer(ServingTest.settings("127.0.0.1", TOKEN, 0));
        redaction = new LogRedaction();
        redaction.chat = server.chat;
    }

    @AfterEach
    void remove() {
        redaction.deactivate();
        server.close();
        root.removeHandler(capture);
        for (Handler handler : rootHandlers) {
            root.addHandler(handler);
        }
        root.setLevel(rootLevel);
    }

    @Test
    void requestUrlsBodiesFramesAndErrorsOfJettyAreRedacted() {
        Logger channel = Logger.getLogger("org.eclipse.jetty.server.internal.HttpChannelState");
        channel.fine("onRequest GET{u=http://127.0.0.1:40407/ws?token=" + TOKEN + "&client_id=x,HTTP/1.1,h=7,cl=0,p=null}");
        channel.fine("onRequest GET{u=http://127.0.0.1:40407/ws?client_id=x&session_token=" + SESSION + ",HTTP/1.1}");
        Logger.getLogger("org.eclipse.jetty.websocket.core.server.internal.AbstractHandshaker")
                .log(Level.FINE, "negotiation RFC6455Negotiation@10f01764'{'uri={0},oe=null'}'",
                        "http://127.0.0.1:1/ws?token=" + TOKEN);
        Logger.getLogger("org.eclipse.jetty.server.internal.HttpConnection").fine("parsed true HttpParser{s=CONTENT,0 of 0} "
                + "DirectByteBuffer@57c3a374[p=247,l=247,c=8192,r=0]={POST /auth...ef\"}<<<>>>\\x00\\x00}");
        Logger.getLogger("org.apache.felix.http.base.internal.dispatch.Dispatcher")
                .fine("body {\"token\": \"" + TOKEN + "\", \"client_id\": \"\"}");
        Logger.getLogger("org.eclipse.jetty.server.handler.ErrorHandler").log(Level.WARNING, "bad request",
                new IllegalArgumentException("Bad URI /ws?token=" + TOKEN));
        Logger.getLogger("org.eclipse.jetty.io.ManagedSelector").fine("the token " + TOKEN + " without a name");

        String log = String.join("\n", written);
        assertThat(log).doesNotContain(TOKEN).doesNotContain(SESSION).doesNotContain("<<<")
                .contains("/ws?token=<redacted>&client_id=x").contains("session_token=<redacted>")
                .contains("\"token\": \"<redacted>\"").contains("IllegalArgumentException: Bad URI /ws?token=<redacted>")
                .contains("the token <redacted> without a name");
        assertThat(written).as("the buffer dump is left out, the other lines are kept").hasSize(6);
    }

    @Test
    void itStaysWhenTheLauncherConfiguresLoggingAgain() {
        // what the launcher does when a command becomes the daemon (web start)
        LogManager.getLogManager().reset();
        root.setLevel(Level.FINEST);
        root.addHandler(capture);
        Logger.getLogger("org.eclipse.jetty.server.internal.HttpConnection").fine("HANDLE GET /ws?token=" + TOKEN);
        assertThat(written).containsExactly("org.eclipse.jetty.server.internal.HttpConnection HANDLE GET /ws?token=<redacted>");
        assertThat(Logger.getLogger("org.eclipse.jetty").getHandlers()).hasSize(1);
    }

    @Test
    void otherLoggersAreUntouchedAndEverythingIsRestoredAfterwards() {
        Logger.getLogger("org.openpista.something").info("query ?token=visible");
        assertThat(written).containsExactly("org.openpista.something query ?token=visible");
        redaction.deactivate();
        written.clear();
        Logger.getLogger("org.eclipse.jetty.server.Server").info("started ?token=x");
        assertThat(written).containsExactly("org.eclipse.jetty.server.Server started ?token=x");
        assertThat(Logger.getLogger("org.eclipse.jetty").getUseParentHandlers()).isTrue();
        redaction = new LogRedaction();
    }
}
