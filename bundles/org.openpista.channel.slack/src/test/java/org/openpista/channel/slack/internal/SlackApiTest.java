package org.openpista.channel.slack.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openpista.api.chat.Attachment;
import org.openpista.testkit.FakeSlackServer;
import org.openpista.testkit.FakeSlackServer.Call;
import org.openpista.testkit.FakeSlackServer.Failure;
import org.openpista.testkit.FakeSlackServer.Message;

/** The Web API client against the fake Slack: requests as Slack takes them, its errors, its rate limits. */
class SlackApiTest {

    final FakeSlackServer slack = new FakeSlackServer(SlackConfigs.BOT_TOKEN, SlackConfigs.APP_TOKEN,
            SlackConfigs.SIGNING_SECRET);
    final SlackApi api = new SlackApi(slack.apiUrl(), SlackConfigs.BOT_TOKEN, Duration.ofMillis(10));

    @AfterEach
    void stop() {
        api.close();
        slack.close();
    }

    @Test
    void callsCarryTheTokenAsBearerAndTheChatMethodsTheirBlocksAsJson() throws Exception {
        SlackApi.Identity me = api.authTest();
        assertThat(me).isEqualTo(new SlackApi.Identity(FakeSlackServer.TEAM_ID, "Fake Team", FakeSlackServer.BOT_USER_ID,
                FakeSlackServer.BOT_NAME));

        String ts = api.post("C1", "1.000001", "hi *there*", "[{\"type\":\"section\",\"block_id\":\"b\"}]");
        api.update("C1", ts, "changed", null);
        api.postEphemeral("C1", null, "U1", "only you");

        Call post = slack.calls("chat.postMessage").get(0);
        assertThat(post.token()).isEqualTo(SlackConfigs.BOT_TOKEN);
        assertThat(post.params().path("blocks").isArray()).isTrue();
        assertThat(post.params().path("unfurl_links").asBoolean(true)).isFalse();
        assertThat(slack.messages("C1")).extracting(Message::text).containsExactly("changed", "only you");
        Message first = slack.messages("C1").get(0);
        assertThat(first.threadTs()).isEqualTo("1.000001");
        assertThat(first.blocks().get(0).path("block_id").asText()).isEqualTo("b");
        assertThat(slack.messages("C1").get(1).ephemeralTo()).isEqualTo("U1");
    }

    @Test
    void anErrorSlackStatesIsRefusedWithItsCodeAndNotRetried() {
        assertThatThrownBy(() -> api.post("", null, "text", null)).isInstanceOfSatisfying(SlackException.class, e -> {
            assertThat(e.refused()).isTrue();
            assertThat(e.error()).isEqualTo("channel_not_found");
            assertThat(e.getMessage()).isEqualTo("Slack chat.postMessage failed: channel_not_found");
        });
        assertThat(slack.calls("chat.postMessage")).hasSize(1);

        try (SlackApi wrong = new SlackApi(slack.apiUrl(), "xoxb-0-wrong", Duration.ofMillis(10))) {
            assertThatThrownBy(wrong::authTest).isInstanceOfSatisfying(SlackException.class,
                    e -> assertThat(e.badToken()).as(e.getMessage()).isTrue());
        }
        slack.failNext("chat.update", Failure.status(404));
        assertThatThrownBy(() -> api.update("C1", "1.1", "x", null)).isInstanceOfSatisfying(SlackException.class,
                e -> assertThat(e.error()).isEqualTo("HTTP 404"));
        assertThat(slack.calls("chat.update")).hasSize(1);
    }

    @Test
    void aRateLimitIsWaitedOutAsRetryAfterSays() throws Exception {
        slack.failNext("chat.postMessage", Failure.rateLimited(1));
        long start = System.nanoTime();

        api.post("C1", null, "after the pause", null);

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(950));
        assertThat(slack.calls("chat.postMessage")).extracting(Call::status).containsExactly(429, 200);
        assertThat(slack.messages("C1")).extracting(Message::text).containsExactly("after the pause");
    }

    @Test
    void failuresInsideSlackOrOnTheWayAreRetriedAFewTimesThenReported() throws Exception {
        slack.failNext("chat.postMessage", Failure.status(503), Failure.disconnect(), new Failure(200, "internal_error", 0));
        api.post("C1", null, "fourth time lucky", null);
        assertThat(slack.calls("chat.postMessage")).extracting(Call::status).containsExactly(503, 0, 200, 200);

        slack.failNext("chat.postEphemeral", Failure.status(500), Failure.status(502), Failure.status(503),
                Failure.status(504), Failure.status(500), Failure.status(500));
        assertThatThrownBy(() -> api.postEphemeral("C1", null, "U1", "never")).isInstanceOfSatisfying(SlackException.class,
                e -> {
                    assertThat(e.refused()).isFalse();
                    assertThat(e.error()).isEqualTo("HTTP 500 (after 5 attempts)");
                });
        assertThat(slack.failuresLeft("chat.postEphemeral")).isEqualTo(1);
    }

    @Test
    void socketModeUrlsAreForTheAppTokenOnly() throws Exception {
        assertThat(api.openSocketUrl(SlackConfigs.APP_TOKEN).getScheme()).isEqualTo("ws");
        assertThatThrownBy(() -> api.openSocketUrl(SlackConfigs.BOT_TOKEN)).isInstanceOfSatisfying(SlackException.class,
                e -> assertThat(e.error()).isEqualTo("not_allowed_token_type"));
        assertThatThrownBy(() -> api.openSocketUrl("xapp-1-wrong")).isInstanceOfSatisfying(SlackException.class,
                e -> assertThat(e.badToken()).isTrue());
        try (SlackApi nowhere = new SlackApi("http://127.0.0.1:9/api", SlackConfigs.BOT_TOKEN, Duration.ofMillis(10))) {
            assertThatThrownBy(() -> nowhere.openSocketUrl(SlackConfigs.APP_TOKEN)).isInstanceOfSatisfying(
                    SlackException.class, e -> {
                        assertThat(e.refused()).isFalse();
                        assertThat(e.error()).startsWith("cannot reach Slack");
                    });
        }
    }

    @Test
    void aFileIsUploadedIntoItsThreadInThreeSteps() throws Exception {
        byte[] png = "not really a png".getBytes(StandardCharsets.UTF_8);

        api.upload("C1", "1.000001", new Attachment("image/png", "", png));

        assertThat(slack.upload("image.png")).isEqualTo(png);
        assertThat(slack.calls("files.getUploadURLExternal").get(0).param("length")).isEqualTo(Integer.toString(png.length));
        Message shared = slack.messages("C1").get(0);
        assertThat(shared.files()).containsExactly("image.png");
        assertThat(shared.threadTs()).isEqualTo("1.000001");
    }
}
