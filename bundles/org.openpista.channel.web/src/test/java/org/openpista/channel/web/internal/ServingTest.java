package org.openpista.channel.web.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When the web chat serves, and what it tells the owner's terminal: a non-loopback bind needs a
 * token of at least 16 characters wherever the token came from (issue #13, item 8); a missing token
 * on loopback is generated and saved.
 */
class ServingTest {

    @TempDir
    Path dir;

    final List<String> saved = new ArrayList<>();

    static WebSettings settings(String bind, String token, int port) {
        return new WebSettings(true, bind, port, token, List.of(), null, "", 1024 * 1024, Duration.ofSeconds(120),
                Duration.ofMinutes(10));
    }

    Serving decide(WebSettings settings, boolean runs) {
        return Serving.decide(settings, runs, token -> {
            saved.add(token);
            return "Generated a token and saved it in " + dir.resolve("config.toml") + " ([channels.web] token).";
        });
    }

    @Test
    void beyondLoopbackAShortTokenIsRefusedAndNeverShown() {
        Serving serving = decide(settings("0.0.0.0", "a", 0), true);
        assertThat(serving.serves()).isFalse();
        assertThat(serving.problem()).startsWith("refusing to listen on 0.0.0.0 with a token of fewer than 16 characters");
        assertThat(serving.refusedStatus()).startsWith("not listening: refusing to listen on 0.0.0.0");
        assertThat(serving.readyLines("http://127.0.0.1:3210/")).containsExactly("Web chat: not listening: "
                + serving.problem());
        assertThat(String.join("\n", serving.readyLines("x"))).doesNotContain("token=");
        assertThat(saved).as("nothing generated in its place").isEmpty();
    }

    @Test
    void beyondLoopbackNoTokenIsRefusedAndSixteenCharactersServe() {
        assertThat(decide(settings("192.168.1.5", "", 0), true).problem())
                .startsWith("refusing to listen on 192.168.1.5 without a token");
        assertThat(decide(settings("::", "fifteen-chars-x", 0), true).serves()).isFalse();
        assertThat(decide(settings("0.0.0.0", "sixteen-chars-xx", 0), true).serves()).isTrue();
        assertThat(saved).isEmpty();
    }

    @Test
    void onLoopbackAShortTokenServesAndAMissingOneIsGenerated() {
        assertThat(decide(settings("127.0.0.1", "a", 0), true).serves()).isTrue();
        Serving generated = decide(settings("127.0.0.1", "", 0), true);
        assertThat(generated.serves()).isTrue();
        assertThat(saved).hasSize(1);
        assertThat(generated.settings().token()).isEqualTo(saved.get(0)).matches("[0-9a-f]{48}");
        assertThat(generated.readyLines("http://127.0.0.1:3210/")).containsExactly(
                "Web chat: http://127.0.0.1:3210/#token=" + saved.get(0),
                "Generated a token and saved it in " + dir.resolve("config.toml") + " ([channels.web] token).");
    }

    @Test
    void aConfiguredTokenIsPrintedWithTheUrlOnly() {
        Serving serving = decide(settings("127.0.0.1", "configured-token-0123456789", 0), true);
        assertThat(serving.readyLines("http://127.0.0.1:4000/"))
                .containsExactly("Web chat: http://127.0.0.1:4000/#token=configured-token-0123456789");
    }

    @Test
    void aChannelTheDaemonDoesNotRunSaysNothingOnTheTerminal() {
        Serving disabled = decide(new WebSettings(false, "127.0.0.1", 0, "", List.of(), null, "", 1024 * 1024,
                Duration.ofSeconds(120), Duration.ofMinutes(10)), false);
        assertThat(disabled.serves()).isFalse();
        assertThat(disabled.refusedStatus()).isEqualTo("disabled ([channels.web] enabled = false)");
        assertThat(disabled.readyLines("http://127.0.0.1:3210/")).isEmpty();
        assertThat(decide(settings("127.0.0.1", "", 0), false).refusedStatus()).isEqualTo("not run by this daemon");
        assertThat(saved).as("no token generated for a chat that does not run").isEmpty();
    }

    @Test
    void aTakenPortAndAMissingStaticFolderAreSaid() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            Serving serving = decide(settings("127.0.0.1", "t", taken.getLocalPort()), true);
            assertThat(serving.problem()).startsWith("cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": ")
                    .endsWith("(another program uses the port? set [channels.web] port or OPENPISTA_WEB_PORT)");
        }
        Serving noFolder = decide(new WebSettings(true, "127.0.0.1", 0, "t", List.of(), dir.resolve("ui"), "", 1024 * 1024,
                Duration.ofSeconds(120), Duration.ofMinutes(10)), true);
        assertThat(noFolder.problem()).isEqualTo("static_dir " + dir.resolve("ui") + " is not a folder");
    }

    @Test
    void felixGetsAnErrorHandlerWithTheSecurityHeaders() {
        Object headers = HttpServerConfig.properties(settings("127.0.0.1", "t", 3210), null)
                .get("org.apache.felix.http.jetty.errorPageCustomHeaders");
        assertThat(headers).isInstanceOf(String.class);
        // Felix splits the pairs at "##" and each pair at its first "="
        for (String pair : ((String) headers).split("##")) {
            String name = pair.substring(0, pair.indexOf('='));
            assertThat(pair.substring(pair.indexOf('=') + 1)).as(name).isEqualTo(SecurityHeaders.HEADERS.get(name));
        }
        assertThat(((String) headers).split("##")).hasSize(SecurityHeaders.HEADERS.size());
    }
}
